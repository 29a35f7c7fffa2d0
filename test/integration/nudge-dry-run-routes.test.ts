/**
 * `callsheet nudge --dry-run` with no chat platform: it says the routes are Slack's rather than
 * claiming no platform and then listing Slack routes, and a member annotated `slack.com/user-id` is
 * reachable by DM although no Slack identity was ever stored.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createNudgeCli } from '../../src/cli/nudge.js';
import { loadConfig } from '../../src/config/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabaseFromConfig } from '../../src/db/from-config.js';
import { fixtureUrl, seedNudgeCatalog } from '../helpers/nudge-seed.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const now = new Date('2026-06-01T09:00:00Z');
const annotated = `---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: dana
  annotations:
    slack.com/user-id: U0DANA
spec:
  memberOf: [lonely]
`;

describe('nudge --dry-run without a chat platform', () => {
  let pg: TestDatabase | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'callsheet-nudge-routes-'));
  afterAll(async () => {
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the routes as Slack\'s and reaches a slack.com/user-id member by DM', { timeout: 120_000 }, async () => {
    if (testDatabaseUrl()) pg = await createTestDatabase();
    const config = loadConfig({ ...(pg?.url ? { DATABASE_URL: pg.url } : {}), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const database = pg ? undefined : await openDatabaseFromConfig(config);
    const db = pg?.db ?? database!.db;
    await seedNudgeCatalog(db, now, `${readFileSync(fixtureUrl('nudge-catalog.yaml'), 'utf8')}\n${annotated}`);
    const out: string[] = [];
    const err: string[] = [];
    const cli = createNudgeCli(undefined, fixedClock(now), { config, open: async () => ({ db, close: async () => {} }) });
    expect(await cli(['--dry-run'], { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {} })).toBe(0);
    expect(err.join('\n')).toMatch(/No chat platform is configured: the routes below are the ones Slack would take/);
    expect(out.join('\n')).toMatch(/group:default\/lonely: \d+ findings\n(\s+-> .*\n)*\s+-> slack dm U0DANA: no channel for the team; direct message to member user:default\/dana/);
    await database?.close();
  });
});
