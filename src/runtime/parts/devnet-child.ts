/** The supervisor's side of the devnet part: start it in a child process and learn where it listens. */
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { DevnetPartInfo, DevnetPartOptions } from './devnet-part.js';
import { type SupervisedPart, supervise } from './supervisor.js';

export interface DevnetChild {
  readonly info: DevnetPartInfo;
  readonly part: SupervisedPart;
}

export async function startDevnetChild(logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<DevnetChild> {
  const options: DevnetPartOptions = { lockHeldBy: process.pid };
  const part = supervise({
    part: 'devnet',
    entry: join(import.meta.dirname, 'devnet-part.ts'),
    options,
    // The same ports again (the first run may have asked for 0): the indexer, the relayer and clients keep their URLs.
    restartOptions: (info) => ({ ...options, ports: (info as unknown as DevnetPartInfo).ports }),
    env,
    logger,
  });
  try {
    return { info: (await part.ready) as unknown as DevnetPartInfo, part };
  } catch (err) {
    await part.stop();
    throw err;
  }
}
