// Prisma CLI configuration: migrations run through a JS driver adapter (no native engine is downloadable here).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createMigrateAdapter } from './prisma/migrate-adapter.ts';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  // CHOIR_MIGRATIONS_PATH: a copy holding only the older migrations (`applyMigrations(url, { upTo })`, for upgrade tests).
  migrations: { path: process.env.CHOIR_MIGRATIONS_PATH ?? path.join('prisma', 'migrations') },
  // biome-ignore lint/suspicious/noExplicitAny: Prisma's adapter factory type is internal to @prisma/driver-adapter-utils
  adapter: async () => createMigrateAdapter(process.env.DATABASE_URL ?? '') as any,
});
