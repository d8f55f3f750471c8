import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const loggingSection = defineSection(
  'logging',
  {
    LOG_LEVEL: v.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      example: 'debug',
      description: 'Minimum level of log lines written.',
    }),
    LOG_FORMAT: v.oneOf(['auto', 'json', 'pretty'], {
      default: 'auto',
      example: 'json',
      description: 'Log line format; `auto` is pretty on a terminal and JSON otherwise.',
    }),
  },
  (e) => ({ level: e.LOG_LEVEL, format: e.LOG_FORMAT }),
);
export type LoggingSettings = ReturnType<typeof loggingSection.build>;
