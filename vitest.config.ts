import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 has no `exports` map: without this alias vitest can load two copies of it ("another realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['**/*.test.ts'],
    // A Postgres for the run: TEST_PG_URL, the machine's at 127.0.0.1:5432, or an embedded one started here.
    globalSetup: ['test/support/global-setup.ts'],
    exclude: ['**/node_modules/**', '.choir/**', 'bench/peers/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration tests start real servers (Postgres databases, devnet, gRPC); two cores here.
    maxWorkers: 3,
  },
});
