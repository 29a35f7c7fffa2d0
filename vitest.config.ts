import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: embedded PGlite set-up (migrations, seeding) is slow on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration tests each get their own database (schema on Postgres, instance on PGlite);
    // two workers keep this 2-core machine busy without starving the database.
    maxWorkers: 2,
    pool: 'forks',
    // An unhandled rejection or error fails the run even when every test passed (vitest's
    // default, pinned: test/unit/vitest-unhandled.test.ts checks it).
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
