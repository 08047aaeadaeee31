import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once (the CLI tests run bin/cassette.js, which loads dist/).
    globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers and child processes: forks isolate them best.
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
