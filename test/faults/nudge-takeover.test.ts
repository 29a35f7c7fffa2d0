/**
 * Nudge runs under real faults: two compiled replicas on one Postgres post digests to a fake Slack
 * that keeps channel history and message metadata like Slack. The replica holding the run is killed
 * (SIGKILL) or stopped (SIGTERM) mid-run, or its backends are terminated; the other finishes the run.
 * Each asserts no crash, no lost digest, no duplicate, and prints the takeover time as
 * `[faults] <name>: <seconds> s` (README, Figures).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createFaultDatabase, ensureBuilt, faultSkipReason, killAll, reportFigure, spawnService, waitFor, writeCatalog, type FaultDatabase, type ServiceProcess } from './harness/index.js';
import { bundledTemplateOwners, digestKeys, expectEachDigestOnce, nudgeEnv, runCli, scheduleIn } from './nudge-support.js';

const skip = faultSkipReason();
if (skip) console.log(skip);

const TEAMS = 16;
const TEMPLATE_OWNERS = bundledTemplateOwners();

describe.skipIf(skip)('nudge runs survive the holder dying', () => {
  let fdb: FaultDatabase;
  let slack: FakeSlack;
  let catalogDir: string;
  const services: ServiceProcess[] = [];
  // Built before any schedule is computed: a build takes longer than a slot is ahead.
  beforeAll(async () => {
    catalogDir = writeCatalog({ components: TEAMS * 2, teams: TEAMS }).dir;
    await ensureBuilt();
  }, 600_000);
  // A fresh Slack per test: its channel history is what each test counts.
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await killAll(services.splice(0));
    await fdb?.close();
    await slack.close();
  });

  /** Two replicas with a schedule that fires once, a few seconds after both are up and synced. */
  async function replicas(): Promise<{ a: ServiceProcess; b: ServiceProcess; slot: string }> {
    fdb = await createFaultDatabase();
    const { cron, at } = scheduleIn(25_000);
    const env = nudgeEnv(slack, catalogDir, { NUDGE_SCHEDULE: cron });
    const [a, b] = await Promise.all([spawnService({ databaseUrl: fdb.url, instance: 'nudge-a', env }), spawnService({ databaseUrl: fdb.url, instance: 'nudge-b', env })]);
    services.push(a, b);
    for (const s of [a, b]) await s.waitForLog('first sync', (l) => /^synced /.test(String(l.msg)), 60_000);
    return { a, b, slot: `schedule:${at.toISOString().slice(0, 19)}Z` };
  }

  async function runRows(slot: string) {
    const [run] = await fdb.sql<{ id: string; status: string }[]>`select id::text, status from nudge_runs where slot = ${slot}`;
    return run;
  }

  /** Which replica claimed the run, once it has posted `posts` digests. */
  async function holderAfter(a: ServiceProcess, b: ServiceProcess, posts: number): Promise<{ holder: ServiceProcess; other: ServiceProcess }> {
    const claimed = await waitFor('a replica to claim the run', () => [a, b].find((s) => s.logs.some((l) => l.msg === 'nudge run claimed')), 90_000);
    await waitFor(`${posts} digests posted`, () => digestKeys(slack).length >= posts, 60_000);
    return { holder: claimed, other: claimed === a ? b : a };
  }

  /**
   * Digests the run planned: one per team with findings — every Group of the catalog here — and, once the
   * bundled templates (TEMPLATE_SOURCES, `./templates` by default) are synced, one for their owner, which this
   * catalog does not know (an unknown-owner digest for the fallback channel). That 17th digest is legitimate,
   * not a duplicate (the table's key is run and team); anything else planned is.
   */
  async function plannedDigests(runId: number): Promise<number> {
    const rows = await fdb.sql<{ team_ref: string }[]>`select team_ref from nudge_deliveries where run_id = ${runId}`;
    const planned = rows.map((r) => r.team_ref);
    const groups = Array.from({ length: TEAMS }, (_, i) => `group:default/team-${i}`);
    expect(planned.filter((ref) => groups.includes(ref)).sort()).toEqual([...groups].sort());
    expect(planned.filter((ref) => !groups.includes(ref)).filter((ref) => !TEMPLATE_OWNERS.has(ref)), 'digests for teams the catalog does not hold').toEqual([]);
    return planned.length;
  }

  async function finished(slot: string): Promise<void> {
    await waitFor('the run to be done', async () => (await runRows(slot))?.status === 'done', 120_000, 250);
  }

  async function expectNoLossNoDuplicate(slot: string): Promise<void> {
    const run = await runRows(slot);
    const rows = await fdb.sql<{ status: string; n: string }[]>`select status, count(*)::text as n from nudge_deliveries where run_id = ${run.id} group by status`;
    const digests = await plannedDigests(Number(run.id));
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))).toEqual({ sent: digests });
    expectEachDigestOnce(slack, Number(run.id), digests);
  }

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`${signal} of the replica holding the run mid-run: the other resumes within seconds, each digest once`, { timeout: 300_000 }, async () => {
      // A slow Slack: SIGTERM lands while a post is in flight.
      if (signal === 'SIGTERM') slack.setLatency('chat.postMessage', 700);
      const { a, b, slot } = await replicas();
      const { holder, other } = await holderAfter(a, b, 4);
      const killedAt = Date.now();
      holder.kill(signal);
      const exit = await holder.exited;
      const resumedAt = await waitFor('a digest posted by the other replica', () => slack.accepted('chat.postMessage').find((c) => c.at > killedAt && other.logs.some((l) => l.msg === 'nudge run claimed'))?.at, 60_000, 50);
      reportFigure(`nudge takeover after ${signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'}`, resumedAt - killedAt);
      await finished(slot);
      await expectNoLossNoDuplicate(slot);
      expect(other.problems()).toEqual([]);
      if (signal === 'SIGTERM') {
        expect(exit.code).toBe(0);
        expect(holder.logs.some((l) => l.msg === 'nudge run released for another replica')).toBe(true);
        expect(holder.stderr()).not.toMatch(/Unhandled|TypeError|CONNECTION_ENDED/);
        // The post in flight was finished and recorded: the other replica had no interrupted delivery to check.
        expect(slack.attempts('conversations.history')).toEqual([]);
      }
      expect(resumedAt - killedAt).toBeLessThan(15_000);
    });
  }

  it('backend termination during the run: no crash, the run completes, each digest once', { timeout: 300_000 }, async () => {
    const { a, b, slot } = await replicas();
    await holderAfter(a, b, 3);
    const terminated = await fdb.terminateBackends();
    await waitFor('more digests posted', () => digestKeys(slack).length >= 8, 60_000);
    const again = await fdb.terminateBackends();
    expect(terminated + again).toBeGreaterThan(0);
    await finished(slot);
    await expectNoLossNoDuplicate(slot);
    for (const s of [a, b]) {
      expect(s.hasExited()).toBe(false);
      expect(s.stderr()).not.toMatch(/Unhandled|TypeError/);
    }
  });

  it('`callsheet nudge --now` started three times at once posts each digest once', { timeout: 300_000 }, async () => {
    fdb = await createFaultDatabase();
    const env = nudgeEnv(slack, catalogDir);
    const syncer = await spawnService({ databaseUrl: fdb.url, instance: 'nudge-sync', env });
    services.push(syncer);
    await syncer.waitForLog('first sync', (l) => /^synced /.test(String(l.msg)), 60_000);
    await syncer.stop();
    const runs = await Promise.all([1, 2, 3].map((i) => runCli(fdb.url, `nudge-now-${i}`, env, ['nudge', '--now'])));
    for (const r of runs) expect(r.stderr).not.toMatch(/Unhandled|TypeError/);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const [run] = await fdb.sql<{ id: string }[]>`select id::text from nudge_runs where slot like 'manual:%' order by id`;
    expect(runs.filter((r) => /Nudge run \d+: \d+ sent/.test(r.stdout))).toHaveLength(1);
    expectEachDigestOnce(slack, Number(run.id), await plannedDigests(Number(run.id)));
  });
});
