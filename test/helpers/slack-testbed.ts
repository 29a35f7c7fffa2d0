/**
 * Callsheet's Slack adapter on a real express server on an ephemeral port, a fake Slack Web API,
 * and helpers that play Slack: signed slash commands, button clicks and events.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterDeps } from '../../adapters/slack/index.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { signSlack } from './slack-sign.js';

export const SECRET = 'test-signing-secret';
export const TOKEN = 'xoxb-test-token';

export interface Testbed {
  url: string;
  fake: FakeSlack;
  adapter: SlackAdapter;
  logs: Record<string, any>[];
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<{ status: number; text: string; json: any }>;
  slash(command: string, text: string, options?: { user?: string; hook?: string }): Promise<{ status: number; text: string; json: any }>;
  click(payload: Record<string, unknown>): Promise<{ status: number }>;
  event(event: Record<string, unknown>, eventId: string, headers?: Record<string, string>): Promise<{ status: number }>;
  close(): Promise<void>;
}

type TestbedDeps = Partial<SlackAdapterDeps> & Pick<SlackAdapterDeps, 'runLine'>;

/** `deps` may be built from the fake (features that need its API URL for their own clients). */
export async function startTestbed(db: Db, depsOrBuild: TestbedDeps | ((fake: FakeSlack) => TestbedDeps)): Promise<Testbed> {
  const fake = await startFakeSlack({ token: TOKEN });
  const deps = typeof depsOrBuild === 'function' ? depsOrBuild(fake) : depsOrBuild;
  const logs: Record<string, any>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const adapter = createSlackAdapter({
    config: { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl },
    db,
    logger,
    clock: systemClock,
    staleAfterDays: 180,
    ...deps,
  });
  const app = express();
  app.use(adapter.router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;

  async function post(body: string, contentType: string, headers: Record<string, string> = signSlack(SECRET, body)) {
    const response = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  return {
    url,
    fake,
    adapter,
    logs,
    post,
    slash(command, text, options = {}) {
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: 'T0001',
        team_domain: 'acme',
        channel_id: 'C0GENERAL',
        channel_name: 'general',
        user_id: options.user ?? 'U0ADA',
        user_name: 'someone',
        command,
        text,
        api_app_id: 'A0001',
        response_url: fake.responseUrl(options.hook ?? `cmd-${++n}`),
        trigger_id: `trigger-${n}`,
      }).toString();
      return post(body, 'application/x-www-form-urlencoded');
    },
    click(payload) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return post(body, 'application/x-www-form-urlencoded');
    },
    event(event, eventId, headers = {}) {
      const body = JSON.stringify({ token: 'x', team_id: 'T0001', api_app_id: 'A0001', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event });
      return post(body, 'application/json', { ...signSlack(SECRET, body), ...headers });
    },
    async close() {
      await adapter.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fake.close();
    },
  };
}

/** A block_actions payload for a button click, as Slack sends it. */
export function buttonClick(options: {
  actionId: string;
  value: string;
  user?: string;
  responseUrl?: string;
  container?: Record<string, unknown>;
  view?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    api_app_id: 'A0001',
    token: 'x',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: options.user ?? 'U0ADA', username: 'ada', name: 'ada', team_id: 'T0001' },
    trigger_id: '1111.2222.abcd',
    container: options.container ?? { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0GENERAL', is_ephemeral: true },
    channel: { id: 'C0GENERAL', name: 'general' },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    ...(options.view ? { view: options.view } : {}),
    actions: [{ type: 'button', action_id: options.actionId, block_id: 'b1', value: options.value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000001.000200' }],
  };
}
