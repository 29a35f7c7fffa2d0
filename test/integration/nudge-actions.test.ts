import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fixedClock } from '../../src/clock.js';
import { query, type Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { markReviewed, proposeFix, recordDigestAction, snooze, type Actor } from '../../src/nudges/actions.js';
import { evaluate } from '../../src/nudges/evaluate.js';
import { loadSnapshot } from '../../src/nudges/load-snapshot.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { PullRequestOpener, PullRequestRequest } from '../../src/nudges/ports.js';
import { createNudgeRunner } from '../../src/nudges/run.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { seedNudgeCatalog, setCommittedDaysAgo } from '../helpers/nudge-seed.js';

const now = new Date('2026-06-01T09:00:00Z');
const clock = fixedClock(now);
const alice: Actor = { name: 'Alice', platform: 'slack', userRef: 'user:default/alice' };

/** A real in-process opener over an in-memory "repository" that records the pull requests it opens. */
function recordingOpener(files: Record<string, string>): PullRequestOpener & { opened: PullRequestRequest[] } {
  const opened: PullRequestRequest[] = [];
  return {
    opened,
    handles: (url) => url.startsWith('https://github.example/'),
    async readFile(url) {
      const text = files[url];
      if (text === undefined) throw new Error(`no file ${url}`);
      return text;
    },
    async open(request) {
      opened.push(request);
      return { url: `https://github.example/pulls/${opened.length}` };
    },
  };
}

describe('acting on findings', () => {
  let database: TestDatabase;
  let db: Db;
  const findings = async (team: string) => evaluate(await loadSnapshot(db, now), { now, staleAfterDays: 180 }).teams.get(team)?.findings.map((f) => `${f.rule} ${f.subject}`) ?? [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedNudgeCatalog(db, now);
    await setCommittedDaysAgo(db, 'payments-api', 300, now);
  });
  afterAll(async () => database.close());

  it('a review clears staleness and is recorded with who did it', async () => {
    expect(await findings('group:default/payments')).toContain('stale component:default/payments-api');
    await markReviewed(db, 'component:default/payments-api', alice, clock);
    expect(await findings('group:default/payments')).not.toContain('stale component:default/payments-api');
    const [entity] = await query<{ last_reviewed_by: string }>(db, sql`select last_reviewed_by from entities where ref = 'component:default/payments-api'`);
    expect(entity.last_reviewed_by).toBe('user:default/alice');
    expect(await query(db, sql`select entity_ref, by, platform from reviews`)).toEqual([{ entity_ref: 'component:default/payments-api', by: 'user:default/alice', platform: 'slack' }]);
    expect((await query<{ action: string }>(db, sql`select action from audit_log`)).map((r) => r.action)).toContain('nudge.review');
    await expect(markReviewed(db, 'component:default/nope', alice, clock)).rejects.toThrow(/not in the catalog/);
  });

  it('a snooze hides one finding of one entity until it ends', async () => {
    const { until } = await snooze(db, 'component:default/search-web', 'missing-docs', 30, alice, clock);
    expect(until.toISOString()).toBe('2026-07-01T09:00:00.000Z');
    const search = await findings('group:default/search');
    expect(search).not.toContain('missing-docs component:default/search-web');
    expect(search).toContain('missing-system component:default/search-web');
    const later = evaluate(await loadSnapshot(db, new Date('2026-07-02T00:00:00Z')), { now: new Date('2026-07-02T00:00:00Z'), staleAfterDays: 180 });
    expect(later.teams.get('group:default/search')!.findings.map((f) => f.rule)).toContain('missing-docs');
    await expect(snooze(db, 'component:default/search-web', 'made-up', 30, alice, clock)).rejects.toThrow(/unknown rule/);
  });

  it('a fix opens a pull request with only the entity\'s field changed, naming the requester', async () => {
    const url = 'https://github.example/acme/search-web/blob/main/catalog-info.yaml';
    const original = '# Search front end\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search-web # public site\nspec:\n  type: website\n  lifecycle: production\n  owner: search\n';
    const opener = recordingOpener({ [url]: original });
    const result = await proposeFix(db, opener, { entityRef: 'component:default/search-web', rule: 'missing-system', value: 'payments-system', requester: alice }, clock);
    expect(result).toEqual({ kind: 'pull-request', url: 'https://github.example/pulls/1' });
    const [pr] = opener.opened;
    expect(pr.newContent).toBe(original + '  system: payments-system\n');
    expect(pr.title).toBe('Catalog: set system of search-web');
    expect(pr.body).toMatch(/Requested by Alice \(user:default\/alice\) from slack/);
    expect(pr.branch).toMatch(/^callsheet\/fix-search-web-system-/);
    expect(parseAllDocuments(pr.newContent)[0].toJS().spec.system).toBe('payments-system');

    await expect(proposeFix(db, opener, { entityRef: 'component:default/ledger', rule: 'unknown-owner', value: 'no-such-team', requester: alice }, clock)).rejects.toThrow(/no-such-team is not a Group or User/);
    await expect(proposeFix(db, opener, { entityRef: 'component:default/ledger', rule: 'stale', value: 'x', requester: alice }, clock)).rejects.toThrow(/have no fix/);
  });

  it('a fix for a file not on the opener\'s host gives the edit link', async () => {
    await db.execute(sql`update entities set file_url = 'https://gitlab.example/acme/ledger/-/blob/main/catalog-info.yaml' where name = 'ledger'`);
    const result = await proposeFix(db, recordingOpener({}), { entityRef: 'component:default/ledger', rule: 'unknown-owner', value: 'payments', requester: alice }, clock);
    expect(result).toEqual({ kind: 'edit-link', url: 'https://gitlab.example/acme/ledger/-/blob/main/catalog-info.yaml' });
  });

  it('re-renders a posted digest to show what was done and by whom', async () => {
    const platform = new RecordingPlatform();
    const outcome = await createNudgeRunner({
      db,
      clock,
      logger: silentLogger(),
      instanceId: 't',
      senders: [recordingSender(platform)],
      fallback: { platform: 'slack', target: 'CF' },
      staleAfterDays: 180,
      pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
    }).runSlot('actions');
    const updated = await recordDigestAction(db, { runId: outcome.runId!, teamRef: 'group:default/search' }, { kind: 'snoozed', by: 'Alice', detail: '2026-09-01', entity: 'component:default/search-web', rule: 'missing-system' });
    expect(updated!.messages).toEqual([expect.objectContaining({ channel: 'CF', ts: platform.posts.find((p) => p.teamRef === 'group:default/search')!.ts })]);
    const text = JSON.stringify(updated!.reply);
    expect(text).toContain('Snoozed by Alice until 2026-09-01');
    const [row] = await query<{ digest: { groups: Array<{ findings: Array<{ done?: unknown }> }> } }>(db, sql`select digest from nudge_deliveries where run_id = ${outcome.runId} and team_ref = 'group:default/search'`);
    expect(row.digest.groups.flatMap((g) => g.findings).filter((f) => f.done)).toHaveLength(1);
  });
});
