import { type Logger, type LoggerOptions, pino } from 'pino';
import { flowMixin } from './flow.js';

export type { Logger };

export interface LoggerSettings {
  level: string;
  /** `auto` = pretty when stderr (where logs go) is a terminal, JSON otherwise. */
  format: 'json' | 'pretty' | 'auto';
}

/** Log lines go to stderr (fd 2): stdout carries only a command's results, so `choir … | jq` always parses. */
const LOG_FD = 2;

/**
 * The root logger. JSON lines by default so log shippers can parse them; pretty output only for a person at a
 * terminal. Components take a child logger (`logger.child({ component: 'indexer' })`) so every line names its source.
 */
export function createLogger(settings: LoggerSettings = { level: 'info', format: 'auto' }): Logger {
  const pretty = settings.format === 'pretty' || (settings.format === 'auto' && process.stderr.isTTY === true);
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'choir' },
    // Lines logged inside a flow (a request, an outbox item) carry its requestId / eventId (flow.ts).
    mixin: flowMixin,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.apiKey', '*.xToken', '*.password', 'config.*.apiKey'], censor: '[redacted]' },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true, destination: LOG_FD } },
    });
  }
  return pino(options, pino.destination({ dest: LOG_FD, sync: true }));
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
