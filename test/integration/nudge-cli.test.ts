import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNudgeCli } from '../../src/cli/nudge.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabaseFromConfig } from '../../src/db/from-config.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { seedNudgeCatalog } from '../helpers/nudge-seed.js';

const now = new Date('2026-06-01T09:00:00Z');

describe('callsheet nudge', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callsheet-nudge-cli-'));
  let pg: TestDatabase | undefined;
  afterAll(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function env(): Promise<Record<string, string>> {
    if (testDatabaseUrl()) {
      pg ??= await createTestDatabase();
      await seedNudgeCatalog(pg.db, now);
      return { DATABASE_URL: pg.url!, NUDGE_FALLBACK_CHANNEL: 'C0FALLBACK', LOG_LEVEL: 'silent' };
    }
    // Seeded where the CLI will look: the installation's database under DATA_DIR.
    const cliEnv = { DATA_DIR: dataDir, NUDGE_FALLBACK_CHANNEL: 'C0FALLBACK', LOG_LEVEL: 'silent' };
    const database = await openDatabaseFromConfig(loadConfig(cliEnv));
    await seedNudgeCatalog(database.db, now);
    await database.close();
    return cliEnv;
  }

  // Opens an on-disk PGlite three times; slow on a busy machine.
  it('--dry-run prints each digest, where it would go and why, and sends nothing; --now runs once', { timeout: 180_000 }, async () => {
    const vars = await env();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: vars };
    const cli = createNudgeCli(undefined, fixedClock(now));
    expect(await cli(['--dry-run'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/group:default\/payments: \d+ findings\n\s+-> slack channel C0PAYMENTS: annotation slack.com\/channel-id/);
    expect(text).toMatch(/group:default\/ghosts: 1 findings\n\s+-> slack fallback C0FALLBACK: NUDGE_FALLBACK_CHANNEL: no channel annotation and group:default\/ghosts has no members/);
    expect(text).toMatch(/6 digests \(0 undeliverable\) for \d+ owning teams; nothing was sent/);

    out.length = 0;
    expect(await cli(['--now'], io)).toBe(0);
    expect(out.filter((l) => l.startsWith('── digest for'))).toHaveLength(6);
    expect(out.at(-1)).toMatch(/Nudge run \d+: 6 sent/);
    expect(err.join('\n')).toMatch(/No chat platform is configured/);
    expect(await cli(['--bogus'], io)).toBe(2);
  });
});
