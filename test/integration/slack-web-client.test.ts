import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebClient } from '../../adapters/slack/web-client.js';
import { silentLogger } from '../../src/logger.js';
import { metrics } from '../../src/metrics.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';

async function calls(method: string, outcome: string): Promise<number> {
  return (await metrics.chatApiCalls.get()).values.find((v) => v.labels.platform === 'slack' && v.labels.method === method && v.labels.outcome === outcome)?.value ?? 0;
}

describe('Slack Web API client', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ token: 'xoxb-t' });
  });
  afterAll(async () => fake?.close());

  it('retries a 5xx and posts exactly once, recording the call', async () => {
    const web = createWebClient({ token: 'xoxb-t', apiUrl: fake.apiUrl, logger: silentLogger() });
    const before = await calls('chat.postMessage', 'ok');
    fake.failNext('chat.postMessage', { status: 500 });
    const result = await web.chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(result.ok).toBe(true);
    expect(fake.attempts('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    expect(fake.accepted('chat.postMessage')).toHaveLength(1);
    expect(await calls('chat.postMessage', 'ok')).toBe(before + 1);
  });

  it('does not retry an answer Slack gave (an `ok: false` error) and records it as an error', async () => {
    const web = createWebClient({ token: 'xoxb-t', apiUrl: fake.apiUrl, logger: silentLogger() });
    const before = await calls('users.lookupByEmail', 'error');
    await expect(web.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toMatchObject({ data: { error: 'users_not_found' } });
    expect(fake.attempts('users.lookupByEmail')).toHaveLength(1);
    expect(await calls('users.lookupByEmail', 'error')).toBe(before + 1);
  });
});
