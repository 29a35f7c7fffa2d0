import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests each get their own database (schema on Postgres, instance on PGlite);
    // two workers keep this 2-core machine busy without starving the database.
    maxWorkers: 2,
    pool: 'forks',
  },
});
