/**
 * Work done outside a request (digests, task updates) in distribution mode: without SLACK_BOT_TOKEN
 * the client finds the workspace that holds the channel among the installations, as Slack answers
 * `channel_not_found` to another workspace's token, and asks that workspace first next time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebClient } from '../../adapters/slack/web-client.js';
import { backgroundTokens } from '../../adapters/slack/workspace-token.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';

let fake: FakeSlack;
const issue = (teamId: string) => fake.oauth.answer({ client_id: fake.oauth.clientId, client_secret: fake.oauth.clientSecret, code: fake.oauth.code({ teamId }) }).access_token as string;

beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake.close());

describe('Slack calls outside a request, several workspaces', () => {
  it('posts with the token of the workspace that holds the channel, and remembers it', async () => {
    const [a, b] = [issue('TAAA'), issue('TBBB')];
    fake.inWorkspace('C0BBB', 'TBBB');
    const web = createWebClient({ token: '', apiUrl: fake.apiUrl, logger: silentLogger(), retries: 0, workspaces: { background: backgroundTokens(async () => [a, b]) } });
    await web.chat.postMessage({ channel: 'C0BBB', text: 'digest' });
    expect(fake.attempts('chat.postMessage').map((c) => [c.token, c.ok])).toEqual([[a, false], [b, true]]);
    await web.chat.postMessage({ channel: 'C0BBB', text: 'again' });
    expect(fake.attempts('chat.postMessage').slice(2).map((c) => c.token)).toEqual([b]);
  });

  it('says the app is not installed anywhere when there is no installation', async () => {
    const web = createWebClient({ token: '', apiUrl: fake.apiUrl, logger: silentLogger(), retries: 0, workspaces: { background: backgroundTokens(async () => []) } });
    await expect(web.chat.postMessage({ channel: 'C0X', text: 'x' })).rejects.toThrow(/not installed in any workspace yet \(open \/slack\/install\)/);
  });

  it('does not hide a real error behind the next workspace', async () => {
    const [a, b] = [issue('TA2'), issue('TB2')];
    fake.failNext('chat.postMessage', { error: 'msg_too_long' });
    const web = createWebClient({ token: '', apiUrl: fake.apiUrl, logger: silentLogger(), retries: 0, workspaces: { background: backgroundTokens(async () => [a, b]) } });
    const before = fake.attempts('chat.postMessage').length;
    await expect(web.chat.postMessage({ channel: 'C0ANY', text: 'x' })).rejects.toThrow(/msg_too_long/);
    expect(fake.attempts('chat.postMessage').length - before).toBe(1);
  });
});
