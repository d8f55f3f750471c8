/**
 * All of choir's settings, read from the environment once at start. Each part owns a section (its variables with
 * defaults, examples and descriptions); `loadConfig` validates them all and stops at the first bad value with a
 * one-line error naming the variable.
 */
import { type Env, readSection } from './section.js';
import { databaseSection } from './sections/database.js';
import { loggingSection } from './sections/logging.js';
import { serverSection } from './sections/server.js';

/** Every section, in the order the README documents them. */
export const sections = [serverSection, databaseSection, loggingSection] as const;

export function loadConfig(env: Env = process.env) {
  return {
    server: readSection(serverSection, env),
    database: readSection(databaseSection, env),
    logging: readSection(loggingSection, env),
  };
}

export type Config = ReturnType<typeof loadConfig>;
export type { Env } from './section.js';
