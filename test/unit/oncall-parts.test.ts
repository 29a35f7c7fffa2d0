/**
 * The small parts of on-call now: picking now and next from shifts, the short bounded cache, the
 * rate-limit headers, configuration, and how each face renders a button that asks first.
 */
import { describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/slack/render-reply.js';
import { renderReplyText, commandButtons } from '../../adapters/shell/render-text.js';
import { renderCard } from '../../adapters/teams/render-card.js';
import { loadConfig, maskedConfig } from '../../src/config/index.js';
import { ShortCache } from '../../src/oncall/cache.js';
import { retryAfterMs } from '../../src/oncall/http.js';
import { targetsOf } from '../../src/oncall/service.js';
import { nowAndNext } from '../../src/oncall/types.js';
import type { Reply } from '../../src/reply/reply.js';
import { expectValidCard } from '../helpers/teams.js';

const t = (iso: string) => new Date(iso);

describe('now and next', () => {
  it('takes everyone on call now until the first of them ends, and whoever starts then', () => {
    const shifts = [
      { name: 'A', email: 'a@x', start: t('2026-01-01T00:00Z'), end: t('2026-01-02T00:00Z') },
      { name: 'B', start: t('2026-01-01T06:00Z'), end: t('2026-01-01T18:00Z') },
      { name: 'C', start: t('2026-01-01T18:00Z'), end: t('2026-01-02T06:00Z') },
      { name: 'D', start: t('2026-01-03T00:00Z'), end: t('2026-01-04T00:00Z') },
    ];
    const { now, next } = nowAndNext(shifts, t('2026-01-01T12:00Z'));
    expect(now).toEqual({ people: [{ name: 'A', email: 'a@x' }, { name: 'B' }], until: t('2026-01-01T18:00Z') });
    expect(next).toEqual({ people: [{ name: 'C' }], from: t('2026-01-01T18:00Z'), until: t('2026-01-02T06:00Z') });
  });

  it('has no until and no next for a permanent on-call, and nobody when the rota has a gap', () => {
    expect(nowAndNext([{ name: 'P' }], t('2026-01-01T00:00Z'))).toEqual({ now: { people: [{ name: 'P' }] } });
    expect(nowAndNext([{ name: 'L', start: t('2026-02-01T00:00Z'), end: t('2026-02-02T00:00Z') }], t('2026-01-01T00:00Z')).now.people).toEqual([]);
  });
});

describe('short cache', () => {
  it('shares one load between concurrent asks, forgets after the TTL, never keeps a failure, and stays bounded', async () => {
    let clock = 0;
    let loads = 0;
    const cache = new ShortCache<number>(60_000, 2, () => clock);
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    clock = 59_999;
    expect(await cache.get('k', load)).toBe(1);
    clock = 60_000;
    expect(await cache.get('k', load)).toBe(2);
    await expect(cache.get('bad', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('bad', load)).toBe(3);
    await cache.get('x', load);
    await cache.get('y', load);
    expect(await cache.get('k', load)).toBe(6);
  });
});

describe('rate-limit headers', () => {
  it('reads Retry-After, PagerDuty ratelimit-reset and Opsgenie X-RateLimit-Period-In-Sec', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'ratelimit-reset': '0.5' }))).toBe(500);
    expect(retryAfterMs(new Headers({ 'X-RateLimit-Period-In-Sec': '60' }))).toBe(60_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('targets', () => {
  it('prefers a service id over an integration key, and an Opsgenie team over a selector', () => {
    const entity = (annotations: Record<string, string>) => ({ metadata: { annotations } });
    expect(targetsOf(entity({ 'pagerduty.com/service-id': 'P1', 'pagerduty.com/integration-key': 'k', 'opsgenie.com/team': 'T', 'opsgenie.com/component-selector': 's' }))).toEqual([
      { type: 'pagerduty-service', id: 'P1' },
      { type: 'opsgenie-team', team: 'T' },
    ]);
    expect(targetsOf(entity({ 'pagerduty.com/integration-key': 'k', 'opsgenie.com/component-selector': 's' }))).toEqual([
      { type: 'pagerduty-integration', key: 'k' },
      { type: 'opsgenie-selector', selector: 's' },
    ]);
  });
});

describe('configuration', () => {
  it('defaults to the public hosts and a one-minute cache, and masks both credentials', () => {
    const config = loadConfig({ PAGERDUTY_TOKEN: 'pd-secret', OPSGENIE_API_KEY: 'og-secret', OPSGENIE_API_URL: 'https://api.eu.opsgenie.com/', PAGE_ALLOWED_GROUPS: 'sre, group:default/payments' });
    expect(config).toMatchObject({ PAGERDUTY_API_URL: 'https://api.pagerduty.com', PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com', OPSGENIE_API_URL: 'https://api.eu.opsgenie.com', ONCALL_CACHE_TTL: 60_000, PAGE_ALLOWED_GROUPS: ['sre', 'group:default/payments'] });
    const masked = JSON.stringify(maskedConfig(config));
    expect(masked).not.toContain('pd-secret');
    expect(masked).not.toContain('og-secret');
  });

  it('names the variable for a bad URL or group', () => {
    expect(() => loadConfig({ PAGERDUTY_API_URL: 'ftp://x', PAGE_ALLOWED_GROUPS: 'user:default/ada' })).toThrow(/PAGERDUTY_API_URL: expected an http\(s\) URL[\s\S]*PAGE_ALLOWED_GROUPS: "user:default\/ada" is not a Group ref/);
  });
});

const pageReply: Reply = {
  summary: 'Page?',
  sections: [{ text: ['Page on-call for Payments API?'] }],
  buttons: [
    {
      label: 'Page on-call',
      style: 'danger',
      action: { type: 'action', id: 'oncall.page', value: { ref: 'component:default/payments-api' } },
      confirm: { title: 'Page on-call?', text: 'This wakes whoever is on call.', confirm: 'Page', deny: 'Cancel' },
    },
  ],
};

describe('a button that asks first', () => {
  it('is a Slack button with a danger confirm dialog', () => {
    const button = (renderReply(pageReply).blocks.at(-1) as any).elements[0];
    expect(button.confirm).toEqual({
      title: { type: 'plain_text', text: 'Page on-call?', emoji: true },
      text: { type: 'plain_text', text: 'This wakes whoever is on call.', emoji: true },
      confirm: { type: 'plain_text', text: 'Page', emoji: true },
      deny: { type: 'plain_text', text: 'Cancel', emoji: true },
      style: 'danger',
    });
  });

  it('is a Teams Action.ShowCard holding the question and the Action.Submit', () => {
    const card = renderCard(pageReply);
    expectValidCard(card);
    const [show] = card.actions as any[];
    expect(show.type).toBe('Action.ShowCard');
    expect(show.card.actions).toEqual([{ type: 'Action.Submit', title: 'Page', data: { callsheet: 'action', id: 'oncall.page', value: { ref: 'component:default/payments-api' } }, style: 'destructive' }]);
  });

  it('is a numbered page line in the shell', () => {
    expect(commandButtons(pageReply)).toEqual(['page component:default/payments-api']);
    expect(renderReplyText(pageReply)).toContain('[1] page component:default/payments-api');
  });
});
