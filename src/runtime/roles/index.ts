/** `choir start --role …`: one part of the service per process (docs/scaling.md). */
import type { Config } from '../../config/index.js';
import type { Logger } from '../../observability/logger.js';
import type { Lifecycle } from '../lifecycle.js';
import { startApiRole } from './api-role.js';
import { startIndexerRole } from './indexer-role.js';
import type { Role, RunningRole } from './types.js';
import { startWorkerRole } from './worker-role.js';

export { ROLES, type Role, type RunningRole } from './types.js';

export function startRole(
  role: Role,
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  options: { resetIndex?: boolean } = {},
): Promise<RunningRole> {
  const log = logger.child({ role });
  switch (role) {
    case 'api':
      return startApiRole(config, log, lifecycle);
    case 'indexer':
      return startIndexerRole(config, log, lifecycle, { reset: options.resetIndex });
    case 'worker':
      return startWorkerRole(config, log, lifecycle);
  }
}
