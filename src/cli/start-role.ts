/** `choir start --role api|indexer|worker`: one part of the service in this process, until SIGINT/SIGTERM. */
import { loadConfig } from '../config/index.js';
import { ChoirError } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { Lifecycle } from '../runtime/lifecycle.js';

const ROLE_NAMES = ['all', 'api', 'indexer', 'worker'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function parseRole(value: unknown): RoleName {
  if (value === undefined) return 'all';
  if (typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value)) return value as RoleName;
  throw new ChoirError(
    'BAD_USER_INPUT',
    `--role must be one of ${ROLE_NAMES.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

export async function runRole(role: Exclude<RoleName, 'all'>, options: { resetIndex: boolean }): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logging);
  const lifecycle = new Lifecycle(logger);
  const stopped = lifecycle.trapSignals();
  let running: import('../runtime/roles/index.js').RunningRole;
  try {
    const { startRole } = await import('../runtime/roles/index.js');
    running = await startRole(role, config, logger, lifecycle, options);
  } catch (err) {
    await lifecycle.close();
    throw err;
  }
  process.stderr.write(`choir is up as ${role}: ${running.url}  (health: /healthz /readyz /metrics)\n`);
  const failed = await Promise.race([stopped.then(() => ''), running.stopped]);
  if (failed) {
    process.stderr.write(`choir start --role ${role}: ${failed}\n`);
    await lifecycle.close();
    return 1;
  }
  return 0;
}
