import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import type { CommandContext } from '../../src/commands/types.js';
import { silentLogger } from '../../src/logger.js';
import { evaluate, UNOWNED } from '../../src/nudges/evaluate.js';
import { loadSnapshot, loadTeamSnapshot } from '../../src/nudges/load-snapshot.js';
import { planAllRoutes, storedIdentityDirectory } from '../../src/nudges/route.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedNudgeCatalog, setCommittedDaysAgo } from '../helpers/nudge-seed.js';
import { plain } from '../../src/reply/reply.js';
import { replyText } from '../../src/nudges/reply-text.js';

const now = new Date('2026-06-01T09:00:00Z');
const opts = { now, staleAfterDays: 180 };

describe('nudge findings on a seeded catalog', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedNudgeCatalog(database.db, now);
    await setCommittedDaysAgo(database.db, 'payments-api', 300, now);
    await database.db.execute(sql`insert into sync_problems (source_id, file_path, line, owner_ref, message)
      values ('fixture', 'billing/catalog-info.yaml', 3, 'group:default/payments', 'YAML error: bad indentation')`);
    await database.db.execute(sql`insert into chat_identities (platform, external_id, email, user_ref) values ('slack', 'U0BOB', 'bob@example.com', null)`);
  });
  afterAll(async () => database.close());

  const summary = (findings: Array<{ rule: string; subject: string }>) => findings.map((f) => `${f.rule} ${f.subject}`).sort();

  it('finds what each rule says, per owning team', async () => {
    const { teams } = evaluate(await loadSnapshot(database.db, now), opts);
    expect(summary(teams.get('group:default/payments')!.findings)).toEqual([
      'broken-file file:fixture:billing/catalog-info.yaml',
      'deprecated-in-use api:default/payments-rest',
      'stale component:default/payments-api',
    ]);
    expect(teams.get('group:default/payments')!.findings.find((f) => f.rule === 'deprecated-in-use')!.message).toMatch(/search-web still uses it/);
    expect(summary(teams.get('group:default/search')!.findings)).toEqual([
      'missing-description component:default/search-web',
      'missing-docs component:default/search-web',
      'missing-system component:default/search-web',
    ]);
    expect(summary(teams.get('group:default/nobody-team')!.findings)).toEqual(['unknown-owner component:default/ledger']);
    expect(summary(teams.get('group:default/ghosts')!.findings)).toEqual(['owner-without-members component:default/vault']);
    expect(summary(teams.get('group:default/lonely')!.findings)).toEqual(['missing-description resource:default/lonely-db']);
    expect(summary(teams.get(UNOWNED)!.findings)).toEqual(['no-owner template:default/orphan-template']);
  });

  it('scores entities by checks passed out of checks that apply, and teams by the mean', async () => {
    const { teams } = evaluate(await loadSnapshot(database.db, now), opts);
    // payments-system 6/6, payments-api 7/8 (stale), payments-rest 8/9 (deprecated in use).
    expect(teams.get('group:default/payments')!.score).toBeCloseTo((1 + 7 / 8 + 8 / 9) / 3, 6);
    expect(teams.get('group:default/payments')!.entities).toBe(3);
    expect(teams.get('group:default/search')!.score).toBeCloseTo(5 / 8, 6);
  });

  it('gives a team the same findings from its own snapshot as from the whole catalog', async () => {
    const whole = evaluate(await loadSnapshot(database.db, now), opts).teams;
    for (const team of ['group:default/payments', 'group:default/search', 'group:default/ghosts', 'group:default/nobody-team']) {
      const own = evaluate(await loadTeamSnapshot(database.db, team, now), opts).teams.get(team)!;
      expect(summary(own.findings)).toEqual(summary(whole.get(team)!.findings));
      expect(own.score).toBeCloseTo(whole.get(team)!.score!, 6);
    }
  });

  it('routes to the channel annotation, then members by DM, then the fallback, else undeliverable', async () => {
    const teams = ['group:default/payments', 'group:default/search', 'group:default/lonely', 'group:default/ghosts', 'group:default/nobody-team', UNOWNED];
    const withFallback = await planAllRoutes(database.db, teams, [storedIdentityDirectory(database.db, 'slack')], { platform: 'slack', target: 'C0FALLBACK' });
    const shape = (t: string) => withFallback.get(t)!.routes.map((r) => `${r.kind} ${r.target}`);
    expect(shape('group:default/payments')).toEqual(['channel C0PAYMENTS']);
    expect(shape('group:default/search')).toEqual(['dm U0BOB']);
    for (const t of ['group:default/lonely', 'group:default/ghosts', 'group:default/nobody-team', UNOWNED]) expect(shape(t)).toEqual(['fallback C0FALLBACK']);
    expect(withFallback.get('group:default/ghosts')!.routes[0].reason).toMatch(/has no members/);

    const without = await planAllRoutes(database.db, teams, [storedIdentityDirectory(database.db, 'slack')]);
    expect(without.get('group:default/lonely')!.routes).toEqual([]);
    expect(without.get('group:default/lonely')!.undeliverable).toMatch(/no member of group:default\/lonely found on slack.*NUDGE_FALLBACK_CHANNEL is not set/);
    expect(without.get('group:default/nobody-team')!.undeliverable).toMatch(/not a Group or User in the catalog/);
  });

  it('answers stale and score for a named team and for the requester\'s teams', async () => {
    const ctx: CommandContext = { db: database.db, clock: fixedClock(now), logger: silentLogger(), requester: { platform: 'cli', userRef: 'user:default/bob' }, staleAfterDays: 180 };
    const stale = await runLine('stale payments', ctx);
    const text = replyText(stale);
    expect(text).toMatch(/Deprecated but still used in production \(1\)/);
    expect(text).toMatch(/payments-api not changed or confirmed for 300 days/);
    const mine = await runLine('stale', ctx);
    expect(mine.header).toBe('Stale: search');
    expect(replyText(mine)).toMatch(/search-web has no description/);
    const unknown = await runLine('stale nope', ctx);
    expect(unknown.isError).toBe(true);
    const score = await runLine('score search', ctx);
    expect(plain(score.sections[0].fields![0].value)).toBe('63% (no digest yet)');
    const anonymous = await runLine('stale', { ...ctx, requester: { platform: 'cli' } });
    expect(anonymous.summary).toMatch(/Which team\?/);
  });
});
