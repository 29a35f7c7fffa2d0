import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { parseFallbackChannel } from '../../src/config/nudges.js';
import { buildDigest, digestAfterAction, digestToReply, trendText } from '../../src/nudges/digest.js';
import type { TeamReport } from '../../src/nudges/evaluate.js';
import { createPacer } from '../../src/nudges/pacer.js';
import { RateLimitedError } from '../../src/nudges/ports.js';
import { chooseRoutes, type TeamRouting } from '../../src/nudges/route.js';
import type { Finding } from '../../src/nudges/types.js';

const f = (rule: Finding['rule'], name: string): Finding => ({ rule, subject: `component:default/${name}`, teamRef: 'group:default/team', message: `${rule} of ${name}` });

describe('digests', () => {
  const report: TeamReport = {
    teamRef: 'group:default/team',
    score: 0.5,
    entities: 4,
    findings: [f('missing-docs', 'a'), f('stale', 'b'), f('no-owner', 'z'), f('stale', 'a'), ...Array.from({ length: 20 }, (_, i) => f('missing-system', `s${String(i).padStart(2, '0')}`))],
  };

  it('groups findings by rule, worst first, capped with "and N more" pointing at stale <team>', () => {
    const digest = buildDigest(report, { score: 0.4, at: new Date() })!;
    expect(digest.groups.map((g) => g.rule)).toEqual(['no-owner', 'stale', 'missing-system']);
    expect(digest.groups[1].findings.map((x) => x.subject)).toEqual(['component:default/a', 'component:default/b']);
    expect(digest.total).toBe(24);
    expect(digest.more).toBe(9);
    const reply = digestToReply(digest);
    expect(reply.sections.at(-1)!.more).toEqual({ count: 9, command: 'stale team' });
    expect(reply.sections[0].text!.join('')).toContain('50% (up 10 points since last digest)');
  });

  it('has nothing to send for a team without findings', () => {
    expect(buildDigest({ ...report, findings: [] }, undefined)).toBeNull();
  });

  it('gives each finding its buttons, and shows who acted instead once someone did', () => {
    const digest = { ...buildDigest(report, undefined)!, runId: 7 };
    const reply = digestToReply(digest);
    const stale = reply.sections.find((s) => s.text?.some((x) => typeof x === 'object' && 'ref' in x && x.ref === 'component:default/b'))!;
    expect(stale.buttons!.map((b) => b.label)).toEqual(['Still accurate', 'Snooze 30 days', 'Snooze 90 days']);
    const after = digestAfterAction(digest, { kind: 'reviewed', by: 'Alice', entity: 'component:default/b' });
    const updated = digestToReply(after).sections.find((s) => s.text?.some((x) => typeof x === 'object' && 'ref' in x && x.ref === 'component:default/b'))!;
    expect(updated.buttons).toBeUndefined();
    expect(updated.text!.join(' ')).toContain('Confirmed accurate by Alice');
    const fixed = digestAfterAction(digest, { kind: 'fix-proposed', by: 'Bob', detail: 'https://git.example/pr/1', entity: 'component:default/z', rule: 'no-owner' });
    expect(fixed.groups[0].findings[0].done).toEqual({ kind: 'fix-proposed', by: 'Bob', detail: 'https://git.example/pr/1' });
    expect(fixed.groups[1].findings.every((x) => !x.done)).toBe(true);
  });

  it('says how the score moved', () => {
    expect(trendText(0.8, null)).toBe('80% (first digest)');
    expect(trendText(0.8, 0.8)).toBe('80% (unchanged since last digest)');
    expect(trendText(0.7, 0.8)).toBe('70% (down 10 points since last digest)');
  });
});

describe('route choice', () => {
  const team: TeamRouting = { teamRef: 'group:default/t', known: true, annotations: {}, storedChannels: {}, members: [{ userRef: 'user:default/a' }] };
  it('prefers the annotated channel, then a stored conversation, per platform', () => {
    const plan = chooseRoutes({ ...team, annotations: { 'slack.com/channel-id': 'C1' }, storedChannels: { teams: ['19:x@thread'] } }, ['slack', 'teams'], {});
    expect(plan.routes.map((r) => `${r.platform} ${r.kind} ${r.target}`)).toEqual(['slack channel C1', 'teams channel 19:x@thread']);
  });
  it('falls back to DMs, then the fallback channel of an enabled platform, then undeliverable', () => {
    expect(chooseRoutes(team, ['slack'], { slack: new Map([['user:default/a', 'U1']]) }).routes[0]).toMatchObject({ kind: 'dm', target: 'U1' });
    expect(chooseRoutes(team, ['slack'], {}, { platform: 'slack', target: 'CF' }).routes[0]).toMatchObject({ kind: 'fallback', target: 'CF' });
    expect(chooseRoutes(team, ['slack'], {}, { platform: 'teams', target: 'X' }).undeliverable).toMatch(/not set/);
  });
});

describe('pacer', () => {
  it('spaces messages per target and across the platform, and retries after a 429 without losing the message', async () => {
    let t = 0;
    const pacer = createPacer({ perTargetIntervalMs: 1000, platformPerMinute: 120, now: () => t, sleep: async (ms) => void (t += ms) });
    const at: Array<[string, number]> = [];
    let limited = false;
    const send = (target: string) =>
      pacer.send('slack', target, async () => {
        if (target === 'B' && !limited) {
          limited = true;
          throw new RateLimitedError(5000);
        }
        at.push([target, t]);
      });
    await Promise.all([send('A'), send('A'), send('B'), send('C')]);
    expect(at).toEqual([
      ['A', 0],
      ['A', 1000],
      ['B', 6500],
      ['C', 7000],
    ]);
  });
  it('gives up after maxAttempts and reports the rate limit', async () => {
    const pacer = createPacer({ maxAttempts: 2, now: () => 0, sleep: async () => {} });
    await expect(pacer.send('slack', 'A', async () => Promise.reject(new RateLimitedError(1)))).rejects.toBeInstanceOf(RateLimitedError);
  });
});

describe('nudge config', () => {
  it('has defaults and reports bad values by name', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NUDGE_ENABLED: true, NUDGE_SCHEDULE: '0 9 * * 1', NUDGE_TIMEZONE: 'UTC' });
    expect(() => loadConfig({ NUDGE_SCHEDULE: 'every monday', NUDGE_TIMEZONE: 'Mars/Olympus' })).toThrow(/NUDGE_SCHEDULE: expected a cron expression[\s\S]*NUDGE_TIMEZONE: expected an IANA time zone/);
    expect(parseFallbackChannel('C123')).toEqual({ platform: 'slack', target: 'C123' });
    expect(parseFallbackChannel('teams:19:a@thread')).toEqual({ platform: 'teams', target: '19:a@thread' });
  });
});
