import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';

/** What every resolver can reach. Built once per request (HTTP) or per connection (WebSocket). */
export interface ApiContext {
  health: HealthRegistry;
  logger: Logger;
}
