/**
 * Slack distribution through the whole service: with SLACK_CLIENT_ID & co. set and no bot token,
 * `serve` offers /slack/install, stores each workspace's installation encrypted, answers each
 * workspace with its own token (never another's), ignores workspaces that never installed it, and
 * forgets a workspace on app_uninstalled. Slack is the fake, with its oauth.v2.access.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { query, sql } from '../../src/db/client.js';
import type { RunningService } from '../../src/cli/serve.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startDemoService, type DemoService } from '../helpers/demo-service.js';
import { signSlack } from '../helpers/slack-sign.js';

const SECRET = 'e2e-signing-secret';
const SOON = { timeout: 10_000, interval: 50 };

describe.sequential('Slack for several workspaces (OAuth) through serve', () => {
  let fake: FakeSlack;
  let service: RunningService;
  let bed: DemoService | undefined;
  let events = 0;
  const base = () => `http://127.0.0.1:${service.port}`;

  /** What a browser does: the install link sets the state cookie, Slack sends it back with a code. */
  async function install(teamId: string) {
    const start = await fetch(`${base()}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    return fetch(`${base()}/slack/oauth_redirect?code=${fake.oauth.code({ teamId })}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
  }

  async function event(teamId: string, inner: Record<string, unknown>) {
    const body = JSON.stringify({ type: 'event_callback', team_id: teamId, api_app_id: 'A0001', event_id: `EvOAUTH${++events}`, event_time: 1, event: inner });
    const res = await fetch(`${base()}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...signSlack(SECRET, body) }, body });
    return res.status;
  }
  const mention = (teamId: string, channel: string) => event(teamId, { type: 'app_mention', user: 'U01ALICE01', text: '<@UBOT> who owns payments-api?', channel, ts: `17000000${events}.0001`, event_ts: `17000000${events}.0001` });
  const posts = (channel: string) => fake.accepted('chat.postMessage').filter((c) => c.args.channel === channel);

  beforeAll(async () => {
    fake = await startFakeSlack({ token: 'xoxb-never-used' });
    bed = await startDemoService('slack-oauth', {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_CLIENT_ID: fake.oauth.clientId,
      SLACK_CLIENT_SECRET: fake.oauth.clientSecret,
      SLACK_STATE_SECRET: 'e2e-state-secret',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SLACK_API_URL: fake.apiUrl,
    });
    service = bed.service;
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
    await fake?.close();
  });

  it('installs two workspaces and answers each with its own token', async () => {
    expect((await install('TAAA')).status).toBe(200);
    expect((await install('TBBB')).status).toBe(200);
    const [tokenA, tokenB] = [fake.oauth.tokenOf('TAAA'), fake.oauth.tokenOf('TBBB')];
    expect(tokenA).toMatch(/^xoxb-/);
    expect(tokenB).not.toBe(tokenA);
    fake.inWorkspace('C0AAA', 'TAAA');
    fake.inWorkspace('C0BBB', 'TBBB');

    expect(await mention('TAAA', 'C0AAA')).toBe(200);
    expect(await mention('TBBB', 'C0BBB')).toBe(200);
    await vi.waitFor(() => expect(posts('C0AAA')).toHaveLength(1), SOON);
    await vi.waitFor(() => expect(posts('C0BBB')).toHaveLength(1), SOON);
    expect(posts('C0AAA')[0]!.args.text).toMatch(/^payments-api is owned by Payments/);
    expect(posts('C0AAA')[0]!.token).toBe(tokenA);
    expect(posts('C0BBB')[0]!.token).toBe(tokenB);
    // Every call made while answering a workspace carried that workspace's token.
    const used = fake.calls.filter((c) => c.method !== 'oauth.v2.access' && c.method !== 'response_url').map((c) => c.token);
    expect(new Set(used)).toEqual(new Set([tokenA, tokenB]));
  });

  it('does not answer a workspace that never installed the app', async () => {
    const before = fake.attempts('chat.postMessage').length;
    expect(await mention('TCCC', 'C0CCC')).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.attempts('chat.postMessage').length).toBe(before);
  });

  it('forgets a workspace on app_uninstalled; the other keeps working', async () => {
    expect(await event('TAAA', { type: 'app_uninstalled' })).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mention('TAAA', 'C0AAA');
    await mention('TBBB', 'C0BBB');
    await vi.waitFor(() => expect(posts('C0BBB')).toHaveLength(2), SOON);
    expect(posts('C0AAA')).toHaveLength(1);
  });

  it('stores the installations sealed: no token in clear in the table', async () => {
    const rows = await query<{ sealed: string; team_id: string }>(service.runtime.database.db, sql`select sealed, team_id from slack_installations`);
    expect(rows.map((r) => r.team_id)).toEqual(['TBBB']);
    expect(JSON.stringify(rows)).not.toContain('xoxb-');
  });
});
