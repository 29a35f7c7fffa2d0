/**
 * The database clock is the clock: a replica whose own clock runs 30 s fast (libfaketime at the
 * process boundary; the production build has no clock override) fires the schedule early, and
 * waits: nothing is claimed or posted before the database's clock reaches the slot.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createFaultDatabase, ensureBuilt, faultSkipReason, killAll, spawnService, waitFor, writeCatalog, type FaultDatabase, type ServiceProcess } from './harness/index.js';
import { expectEachDigestOnce, nudgeEnv, scheduleIn } from './nudge-support.js';

const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p));
const skip = faultSkipReason() ?? (LIBFAKETIME ? undefined : 'nudge clock-skew fault test skipped: libfaketime is not installed (apt-get install faketime; .ci/run installs it)');
if (skip) console.log(skip);

const SKEW_S = 30;

describe.skipIf(skip)('a replica with a fast clock', () => {
  let fdb: FaultDatabase | undefined;
  let slack: FakeSlack | undefined;
  const services: ServiceProcess[] = [];
  // Built before the schedule is computed: a build takes longer than the slot is ahead.
  beforeAll(async () => void (await ensureBuilt()), 600_000);
  afterEach(async () => {
    await killAll(services.splice(0));
    await fdb?.close();
    await slack?.close();
  });

  it(`fires ${SKEW_S} s early by its own clock and sends nothing until the database clock reaches the slot`, { timeout: 240_000 }, async () => {
    fdb = await createFaultDatabase();
    slack = await startFakeSlack();
    const { dir } = writeCatalog({ components: 8, teams: 4 });
    const { cron, at } = scheduleIn(SKEW_S * 1000 + 20_000);
    const env = nudgeEnv(slack, dir, { NUDGE_SCHEDULE: cron, LD_PRELOAD: LIBFAKETIME!, FAKETIME: `+${SKEW_S}s`, DONT_FAKE_MONOTONIC: '1' });
    const fast = await spawnService({ databaseUrl: fdb.url, instance: 'nudge-fast', env });
    services.push(fast);
    const early = await fast.waitForLog('the early firing', (l) => /fired early/.test(String(l.msg)), 120_000);
    // Its clock said the slot was due; the database's said it was still about SKEW_S seconds away.
    expect(Number(early.waitMs)).toBeGreaterThan((SKEW_S - 10) * 1000);
    const [run] = await waitFor('the run to be done', async () => {
      const rows = await fdb!.sql<{ id: string; status: string; started_at: Date }[]>`select id::text, status, started_at from nudge_runs where status = 'done'`;
      return rows.length > 0 ? rows : undefined;
    }, 120_000, 250);
    const posts = slack.accepted('chat.postMessage');
    expect(posts.length).toBeGreaterThan(0);
    expect(Math.min(...posts.map((p) => p.at))).toBeGreaterThanOrEqual(at.getTime());
    expect(run.started_at.getTime()).toBeGreaterThanOrEqual(at.getTime());
    const [{ n }] = await fdb.sql<{ n: string }[]>`select count(*)::text as n from nudge_deliveries where run_id = ${run.id}`;
    expectEachDigestOnce(slack, Number(run.id), Number(n));
    expect(fast.problems()).toEqual([]);
  });
});
