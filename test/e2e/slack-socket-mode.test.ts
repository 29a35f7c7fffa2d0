import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('Slack adapter over Socket Mode', () => {
  let database: TestDatabase;
  let fake: FakeSlack;
  let adapter: SlackAdapter;

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeSlack({ token: 'xoxb-test-token', appToken: 'xapp-test-token' });
    adapter = createSlackAdapter({
      config: { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_APP_TOKEN: 'xapp-test-token', SLACK_API_URL: fake.apiUrl },
      db: database.db,
      logger: silentLogger(),
      clock: systemClock,
      staleAfterDays: 180,
      runLine,
    });
    await adapter.start();
    await fake.socket.connected();
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await database?.close();
  });

  it('connects with the app token and answers a slash command in the envelope ack', async () => {
    expect(fake.accepted('apps.connections.open')).toHaveLength(1);
    fake.socket.send({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { team_id: 'T0001', user_id: 'U0ADA', user_name: 'ada', command: '/catalog', text: 'help', channel_id: 'C1', response_url: fake.responseUrl('sock-1'), trigger_id: 't1', api_app_id: 'A0001' },
    });
    await vi.waitFor(() => expect(fake.socket.acks.find((a) => a.envelope_id === 'env-1')).toBeDefined());
    const ack = fake.socket.acks.find((a) => a.envelope_id === 'env-1')!;
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: 'Callsheet commands' });
  });

  it('handles a retried event only once', async () => {
    const envelope = (id: string, retry: number, eventId = 'Ev0SOCK', user = 'U0NOBODY') => ({
      envelope_id: id,
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: retry,
      retry_reason: retry ? 'timeout' : '',
      payload: { type: 'event_callback', team_id: 'T0001', api_app_id: 'A0001', event_id: eventId, event_time: 1, event: { type: 'app_home_opened', user, tab: 'home', channel: 'D1', event_ts: '1.1' } },
    });
    fake.socket.send(envelope('env-2', 0));
    await vi.waitFor(() => expect(fake.accepted('views.publish')).toHaveLength(1));
    fake.socket.send(envelope('env-3', 1));
    fake.socket.send(envelope('env-4', 0, 'Ev0OTHER', 'U0OTHER'));
    await vi.waitFor(() => expect(fake.accepted('views.publish').filter((c) => c.args.user_id === 'U0OTHER')).toHaveLength(1));
    expect(fake.socket.acks.map((a) => a.envelope_id)).toEqual(expect.arrayContaining(['env-2', 'env-3', 'env-4']));
    // The unknown user's Home still says how to get matched.
    expect(JSON.stringify(fake.accepted('views.publish')[0].args.view.blocks)).toContain('slack.com/user-id');
    expect(fake.accepted('views.publish').filter((c) => c.args.user_id === 'U0NOBODY')).toHaveLength(1);
  });
});
