/**
 * All of choir's settings, read from the environment once at start. Each part owns a section (its variables with
 * defaults, examples and descriptions); `loadConfig` validates them all and stops at the first bad value with a
 * one-line error naming the variable.
 */
import { type Env, readSection } from './section.js';
import { apiSection } from './sections/api.js';
import { databaseSection } from './sections/database.js';
import { devnetSection } from './sections/devnet.js';
import { embedSection } from './sections/embed.js';
import { indexerSection } from './sections/indexer.js';
import { loggingSection } from './sections/logging.js';
import { observabilitySection } from './sections/observability.js';
import { pipelineSection } from './sections/pipeline.js';
import { serverSection } from './sections/server.js';
import { vectorSection } from './sections/vector.js';

/** Every section, in the order the README documents them. */
export const sections = [
  serverSection,
  apiSection,
  databaseSection,
  devnetSection,
  indexerSection,
  vectorSection,
  embedSection,
  pipelineSection,
  observabilitySection,
  loggingSection,
] as const;

export function loadConfig(env: Env = process.env) {
  return {
    server: readSection(serverSection, env),
    api: readSection(apiSection, env),
    database: readSection(databaseSection, env),
    devnet: readSection(devnetSection, env),
    indexer: readSection(indexerSection, env),
    vector: readSection(vectorSection, env),
    embed: readSection(embedSection, env),
    pipeline: readSection(pipelineSection, env),
    observability: readSection(observabilitySection, env),
    logging: readSection(loggingSection, env),
  };
}

export type Config = ReturnType<typeof loadConfig>;
export type { Env } from './section.js';
