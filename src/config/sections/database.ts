import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const databaseSection = defineSection(
  'database',
  {
    DATABASE_URL: v.url({
      protocols: ['postgres', 'postgresql'],
      example: 'postgresql://choir:secret@db.internal:5432/choir',
      description:
        'Postgres to use. Unset: choir starts an embedded PostgreSQL 17 server (data in EMBEDDED_PG_DIR) and prints its URL.',
      secret: true,
    }),
    DATABASE_READ_URL: v.url({
      protocols: ['postgres', 'postgresql'],
      example: 'postgresql://choir_read:secret@db-replica.internal:5432/choir',
      description:
        "A read replica of DATABASE_URL for the API's read-only queries (threads, messages, events, search fallback). Mutations, sign-in and subscriptions stay on DATABASE_URL. Unset: DATABASE_URL serves everything.",
      secret: true,
    }),
    EMBEDDED_PG_DIR: v.string({
      default: '.choir/pg',
      example: '/var/lib/choir/pg',
      description: 'Data directory of the embedded Postgres server (only when DATABASE_URL is unset).',
    }),
    EMBEDDED_PG_PORT: v.port({
      default: '54329',
      example: '54329',
      description: 'Port of the embedded Postgres server on 127.0.0.1 (only when DATABASE_URL is unset).',
    }),
    DATABASE_POOL_SIZE: v.int({
      default: '10',
      min: 1,
      max: 500,
      example: '20',
      description: 'Connections in the pg pool shared by Prisma and the hot paths.',
    }),
    DATABASE_AUTO_MIGRATE: v.bool({
      default: 'true',
      example: 'false',
      description: 'Apply pending migrations at start (`choir migrate` does it alone).',
    }),
  },
  (e) => ({
    url: e.DATABASE_URL,
    readUrl: e.DATABASE_READ_URL,
    embedded: { dataDir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    poolSize: e.DATABASE_POOL_SIZE,
    autoMigrate: e.DATABASE_AUTO_MIGRATE,
  }),
);
export type DatabaseSettings = ReturnType<typeof databaseSection.build>;
