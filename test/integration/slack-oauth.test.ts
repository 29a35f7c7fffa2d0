/**
 * Slack OAuth distribution end to end against the fake Slack's oauth.v2.access: install, state
 * checks, encryption at rest (no token in a dump), per-workspace authorize, Enterprise Grid org
 * installs, uninstall, and a rotating token refreshed once by two replicas at the same time.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { ClearStateStore } from '@slack/oauth';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackOAuth, type SlackOAuth } from '../../adapters/slack/oauth.js';
import { createWebClient } from '../../adapters/slack/web-client.js';
import { openDatabase, query, sql, type Db } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { createEncryptor } from '../../src/secrets/encryption.js';
import { createInstallationStore } from '../../src/slack-installations/store.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const STATE_SECRET = 'state-secret-for-tests';
const KEY = randomBytes(32).toString('base64');
let database: TestDatabase;
let slack: FakeSlack;
let base: string;
let close: () => void;
const logger = createLogger('silent');

function oauthFor(db: Db, key = KEY): SlackOAuth {
  return createSlackOAuth({
    clientId: slack.oauth.clientId,
    clientSecret: slack.oauth.clientSecret,
    stateSecret: STATE_SECRET,
    scopes: ['commands', 'chat:write'],
    store: createInstallationStore(db, createEncryptor(key)),
    web: createWebClient({ token: '', apiUrl: slack.apiUrl, logger, retries: 0 }),
    apiUrl: slack.apiUrl,
    logger,
  });
}

let oauth: SlackOAuth;

beforeAll(async () => {
  database = await createTestDatabase();
  slack = await startFakeSlack();
  oauth = oauthFor(database.db);
  const app = express().use(oauth.router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(async () => {
  close();
  await slack.close();
  await database.close();
});

/** What a browser does: open the install link, keep the state cookie, come back with Slack's code. */
async function install(grant: Parameters<FakeSlack['oauth']['code']>[0]): Promise<Response> {
  const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get('location')!);
  expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
  const state = location.searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  return fetch(`${base}/slack/oauth_redirect?code=${slack.oauth.code(grant)}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
}

async function dump(db: Db): Promise<string> {
  const columns = await query<{ table_name: string; column_name: string }>(db, sql`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'ARRAY', 'character varying')`);
  const out: string[] = [];
  for (const c of columns) {
    const rows = await query<{ v: string | null }>(db, sql.raw(`select "${c.column_name}"::text as v from "${c.table_name}"`));
    out.push(...rows.map((r) => r.v ?? ''));
  }
  return out.join('\n');
}

describe('Slack OAuth distribution', () => {
  it('installs a workspace, stores it encrypted, and authorizes only that workspace', async () => {
    const answer = await install({ teamId: 'TAAA' });
    expect(answer.status).toBe(200);
    const exchange = slack.accepted('oauth.v2.access');
    expect(exchange).toHaveLength(1);
    const auth = await oauth.authorize({ teamId: 'TAAA', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(auth.botToken).toMatch(/^xoxb-/);
    expect(auth.botUserId).toBe('UBOT');
    expect(slack.oauth.tokens.has(auth.botToken)).toBe(true);
    await expect(oauth.authorize({ teamId: 'TBBB', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no Slack installation for team TBBB/);
    const text = await dump(database.db);
    expect(text).toContain('v1:');
    expect(text).not.toContain('xoxb-');
    expect(text).not.toContain(auth.botToken);
    // Another key cannot read it: the value is really sealed, not encoded.
    await expect(oauthFor(database.db, randomBytes(32).toString('base64')).authorize({ teamId: 'TAAA', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/neither ENCRYPTION_KEY/);
  });

  it('keys an org-wide Enterprise Grid install by the enterprise', async () => {
    expect((await install({ enterpriseId: 'E0001', isEnterpriseInstall: true })).status).toBe(200);
    const auth = await oauth.authorize({ teamId: 'TANY', enterpriseId: 'E0001', isEnterpriseInstall: true });
    expect(auth.enterpriseId).toBe('E0001');
    await expect(oauth.authorize({ teamId: 'TANY', enterpriseId: 'E0002', isEnterpriseInstall: true })).rejects.toThrow(/enterprise E0002/);
  });

  it('refuses a callback without state, and one whose state is older than 10 minutes', async () => {
    const calls = slack.attempts('oauth.v2.access').length;
    const missing = await fetch(`${base}/slack/oauth_redirect?code=${slack.oauth.code({ teamId: 'TOLD' })}`);
    expect(missing.status).toBe(400);
    const old = await new ClearStateStore(STATE_SECRET).generateStateParam({ scopes: ['commands'] }, new Date(Date.now() - 11 * 60 * 1000));
    const stale = await fetch(`${base}/slack/oauth_redirect?code=${slack.oauth.code({ teamId: 'TOLD' })}&state=${encodeURIComponent(old)}`, {
      headers: { cookie: `slack-app-oauth-state=${old}` },
    });
    expect(stale.status).toBe(400);
    expect(slack.attempts('oauth.v2.access').length).toBe(calls);
    await expect(oauth.authorize({ teamId: 'TOLD', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow();
  });

  it('deletes the installation on app_uninstalled and on tokens_revoked', async () => {
    for (const [team, event] of [['TUN1', { type: 'app_uninstalled' }], ['TUN2', { type: 'tokens_revoked', tokens: { bot: ['UBOT'] } }]] as const) {
      expect((await install({ teamId: team })).status).toBe(200);
      const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
      const app = new App({ receiver, authorize: (q) => oauth.authorize(q), logLevel: 'error' as never, ignoreSelf: false });
      oauth.register(app);
      let acked = false;
      const body = { type: 'event_callback', team_id: team, api_app_id: 'A0001', event_id: `Ev${team}`, event_time: 1, event };
      await app.processEvent({ body, ack: async () => void (acked = true) } as unknown as ReceiverEvent);
      expect(acked).toBe(true);
      await expect(oauth.authorize({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no Slack installation/);
    }
  });

  it('two replicas refreshing one rotating token at once call oauth.v2.access refresh once', async () => {
    // A token expiring within the refresh margin: both replicas want to refresh it now.
    expect((await install({ teamId: 'TROT', rotate: true, expiresIn: 60 })).status).toBe(200);
    const second = database.url ? await openDatabase({ url: database.url, poolSize: 2 }) : undefined;
    if (!second) console.log('refresh race: on PGlite both "replicas" share one connection; run with TEST_DATABASE_URL for two');
    const replicas = [oauth, oauthFor(second?.db ?? database.db)];
    const [a, b] = await Promise.all(replicas.map((r) => r.authorize({ teamId: 'TROT', enterpriseId: undefined, isEnterpriseInstall: false })));
    const refreshes = slack.accepted('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(a.botToken).toMatch(/^xoxe\.xoxb-/);
    expect(b.botToken).toBe(a.botToken);
    expect(await dump(database.db)).not.toMatch(/xox[be]/);
    await second?.close();
  });
});
