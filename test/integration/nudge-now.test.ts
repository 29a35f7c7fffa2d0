/**
 * `callsheet nudge --now` is exactly once however often it is started at once (overlapping cron
 * jobs, a retry): manual runs share one slot per minute of the database's clock, or the `--slot` given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNudgeCli } from '../../src/cli/nudge.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabaseFromConfig } from '../../src/db/from-config.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { seedNudgeCatalog } from '../helpers/nudge-seed.js';

const seededAt = new Date('2026-06-01T09:00:00Z');

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env } };
}

describe('callsheet nudge --now, exactly once', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callsheet-nudge-now-'));
  let pg: TestDatabase | undefined;
  afterAll(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function env(): Promise<Record<string, string>> {
    if (testDatabaseUrl()) {
      pg ??= await createTestDatabase();
      await seedNudgeCatalog(pg.db, seededAt);
      return { DATABASE_URL: pg.url!, NUDGE_FALLBACK_CHANNEL: 'C0FALLBACK', LOG_LEVEL: 'silent' };
    }
    const cliEnv = { DATA_DIR: dataDir, NUDGE_FALLBACK_CHANNEL: 'C0FALLBACK', LOG_LEVEL: 'silent' };
    const database = await openDatabaseFromConfig(loadConfig(cliEnv));
    await seedNudgeCatalog(database.db, seededAt);
    await database.close();
    return cliEnv;
  }

  it('three invocations at once deliver every digest once (Postgres: three pools, as three processes)', { timeout: 120_000 }, async (ctx) => {
    if (!testDatabaseUrl()) {
      console.log('skipped: concurrent invocations need TEST_DATABASE_URL (a PGlite folder is opened by one process at a time)');
      return ctx.skip();
    }
    const vars = await env();
    const runs = [capture(vars), capture(vars), capture(vars)];
    const codes = await Promise.all(runs.map((r) => createNudgeCli()(['--now'], r.io)));
    expect(codes).toEqual([0, 0, 0]);
    const digests = runs.flatMap((r) => r.out.filter((l) => l.startsWith('── digest for')));
    expect(digests).toHaveLength(6);
    expect(new Set(digests).size).toBe(6);
    const summaries = runs.map((r) => r.out.at(-1)!);
    expect(summaries.filter((s) => /^Nudge run \d+: 6 sent$/.test(s))).toHaveLength(1);
    expect(summaries.filter((s) => /already done|being run by/.test(s))).toHaveLength(2);
  });

  it('--slot names the run: the same slot twice sends once; a bad slot is refused', { timeout: 180_000 }, async () => {
    const vars = await env();
    const first = capture(vars);
    expect(await createNudgeCli()(['--now', '--slot', '2026-06-01T09:00Z'], first.io)).toBe(0);
    expect(first.out.filter((l) => l.startsWith('── digest for'))).toHaveLength(6);
    const again = capture(vars);
    expect(await createNudgeCli()(['--now', '--slot', '2026-06-01T09:00:00.000Z'], again.io)).toBe(0);
    expect(again.out.filter((l) => l.startsWith('── digest for'))).toHaveLength(0);
    expect(again.out.at(-1)).toMatch(/Nudge run \d+ for manual:2026-06-01T09:00:00.000Z is already done; nothing sent/);
    const bad = capture(vars);
    expect(await createNudgeCli()(['--now', '--slot', 'monday'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--slot: expected an ISO time/);
  });
});
