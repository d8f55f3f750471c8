import { defineConfig } from 'vitest/config';

// Latency goals (`*.load.test.ts`) are measured alone, after the rest: with every other suite sharing the cores,
// the measuring process itself would wait for a CPU. `npm test` runs them as a second pass (CHOIR_LOAD_TESTS=1).
const loadTests = process.env.CHOIR_LOAD_TESTS === '1';

export default defineConfig({
  resolve: {
    // graphql 16 has no `exports` map: without this alias vitest can load two copies of it ("another realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: loadTests ? ['**/*.load.test.ts'] : ['**/*.test.ts'],
    // A Postgres for the run: TEST_PG_URL, the machine's at 127.0.0.1:5432, or an embedded one started here.
    globalSetup: ['test/support/global-setup.ts'],
    exclude: ['**/node_modules/**', '.choir/**', 'bench/peers/**', ...(loadTests ? [] : ['**/*.load.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration tests start real servers (Postgres databases, devnet, gRPC); two cores here.
    maxWorkers: 3,
  },
});
