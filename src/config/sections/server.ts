import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const serverSection = defineSection(
  'server',
  {
    PORT: v.port({
      default: '4000',
      example: '4000',
      description: 'HTTP port of the API (`/graphql`, `/healthz`, `/readyz`, `/metrics`).',
    }),
    HOST: v.string({
      default: '127.0.0.1',
      example: '0.0.0.0',
      description:
        'Interface the API listens on. The default serves this machine only: the API answers anonymous reads and `choir start` prints the embedded database password. Set `0.0.0.0` in a container or to serve other machines.',
    }),
    SHUTDOWN_TIMEOUT_MS: v.int({
      default: '10000',
      min: 0,
      max: 600_000,
      example: '10000',
      description: 'How long a shutdown waits for open requests to drain before closing connections.',
    }),
    ISOLATE_PARTS: v.bool({
      default: 'true',
      example: 'false',
      description:
        '`choir start` runs the devnet and the indexer each in a child process it supervises (tagged logs, restart with backoff on a crash, ordered shutdown), so neither can stall the API. `false`: all in one process (a debugger, a profile).',
    }),
  },
  (e) => ({ port: e.PORT, host: e.HOST, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS, isolateParts: e.ISOLATE_PARTS }),
);
export type ServerSettings = ReturnType<typeof serverSection.build>;
