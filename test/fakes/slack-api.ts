/**
 * A local stand-in for Slack's Web API and `response_url` hooks. It speaks the wire format the SDK
 * uses (form-encoded or JSON POSTs to /api/<method>, `{ ok, error }` answers, 429 with Retry-After),
 * records every call, checks Block Kit limits like Slack does, and can be told to fail.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS, blockProblem, viewProblem } from './slack-blocks.js';
import { unfurlAnswer, type SharedLinks } from './slack-unfurl.js';
import { createFakeOAuth, type FakeOAuth } from './slack-oauth.js';

export { blockProblem, viewProblem } from './slack-blocks.js';

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  /** HTTP status the fake answered with. */
  status: number;
  /** `ok` of the JSON answer. */
  ok: boolean;
  /** For response_url posts: the hook id in the path. */
  hook?: string;
  /** When the fake answered (ms since the epoch): recovery times are measured from these. */
  at: number;
  /** The bearer token the call carried (header, or `token` in the body, as Slack accepts both). */
  token?: string;
}

export interface FakeUser {
  id: string;
  email?: string;
  name?: string;
  teamId?: string;
}

export interface FakeMessage {
  ts: string;
  text?: string;
  blocks?: any[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edits: number;
}

export type Failure = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

export interface FakeSlack {
  /** Origin, e.g. http://127.0.0.1:43123 */
  url: string;
  /** Value for SLACK_API_URL. */
  apiUrl: string;
  calls: SlackCall[];
  /** Calls of one method that Slack accepted (ok: true). */
  accepted(method: string): SlackCall[];
  /** Every attempt at one method, accepted or not. */
  attempts(method: string): SlackCall[];
  responseUrl(id: string): string;
  addUser(user: FakeUser): void;
  /** Links someone posted in a message (what Slack's link_shared event reports): chat.unfurl may unfurl only these. */
  shareLinks(links: SharedLinks): void;
  /** Messages the bot posted to a channel (kept up to date by chat.update), oldest first. */
  messages(channel: string): FakeMessage[];
  /** Socket Mode: envelopes sent to the connected app and the acks it sent back. */
  socket: {
    connected(): Promise<void>;
    send(envelope: Record<string, unknown>): void;
    acks: Array<{ envelope_id: string; payload?: any }>;
  };
  /** The next `times` calls to `method` fail this way. */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Every call to `method` is answered after `ms` (a slow Slack; a post is then in flight for that long). */
  setLatency(method: string, ms: number): void;
  /** oauth.v2.access: codes to hand the redirect, tokens it issued. */
  oauth: FakeOAuth;
  /**
   * The channel (or user) belongs to this workspace: a token Slack issued another workspace is
   * answered `channel_not_found` (`user_not_found` for users), as Slack does.
   */
  inWorkspace(id: string, team: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw);
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return out;
}

export async function startFakeSlack(options: { token?: string; appToken?: string; teamId?: string } = {}): Promise<FakeSlack> {
  const token = options.token ?? 'xoxb-test-token';
  const appToken = options.appToken ?? 'xapp-test-token';
  const acks: Array<{ envelope_id: string; payload?: any }> = [];
  let socketClient: WebSocket | undefined;
  let onConnected: (() => void) | undefined;
  const connected = new Promise<void>((resolve) => {
    onConnected = resolve;
  });
  const teamId = options.teamId ?? 'T0001';
  const workspaceOf = new Map<string, string>();
  const oauth = createFakeOAuth();
  const calls: SlackCall[] = [];
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, FakeMessage[]>();
  const failures = new Map<string, Failure[]>();
  const latency = new Map<string, number>();
  const shared: SharedLinks[] = [];
  let counter = 0;
  let lastTs = 0;

  function answer(method: string, args: Record<string, any>): Record<string, unknown> {
    const check = (blocks: unknown, max: number) => blockProblem(blocks, max);
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: teamId };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update': {
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
        const problem = check(args.blocks, LIMITS.message);
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        const list = channels.get(String(args.channel)) ?? [];
        if (method === 'chat.update') {
          const message = list.find((m) => m.ts === args.ts);
          if (!message) return { ok: false, error: 'message_not_found' };
          Object.assign(message, { text: args.text, blocks: args.blocks, edits: message.edits + 1 });
          return { ok: true, channel: args.channel, ts: message.ts };
        }
        counter++;
        // Like Slack: a message's ts is unique in its channel and increases with time (microseconds).
        lastTs = Math.max(lastTs + 1, Date.now() * 1000);
        const ts = `${Math.floor(lastTs / 1_000_000)}.${String(lastTs % 1_000_000).padStart(6, '0')}`;
        if (method === 'chat.postMessage') {
          list.push({ ts, text: args.text, blocks: args.blocks, ...(args.metadata ? { metadata: args.metadata } : {}), edits: 0 });
          channels.set(String(args.channel), list);
        }
        return { ok: true, channel: args.channel, ts, message_ts: ts };
      }
      case 'conversations.history': {
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
        const oldest = Number(args.oldest ?? 0);
        const limit = Math.min(Number(args.limit ?? 100), 999);
        const newestFirst = [...(channels.get(String(args.channel)) ?? [])].reverse().filter((m) => Number(m.ts) > oldest);
        const start = args.cursor ? Number(args.cursor) : 0;
        const page = newestFirst.slice(start, start + limit);
        const more = start + limit < newestFirst.length;
        return {
          ok: true,
          messages: page.map((m) => ({ type: 'message', user: 'UBOT', bot_id: 'BBOT', ts: m.ts, text: m.text, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
          has_more: more,
          response_metadata: { next_cursor: more ? String(start + limit) : '' },
        };
      }
      case 'views.publish':
      case 'views.open':
      case 'views.push':
      case 'views.update': {
        const view = args.view;
        if (!view || typeof view !== 'object') return { ok: false, error: 'invalid_arguments' };
        if (method === 'views.publish' && !args.user_id) return { ok: false, error: 'invalid_arguments' };
        if ((method === 'views.open' || method === 'views.push') && !args.trigger_id) return { ok: false, error: 'invalid_arguments' };
        if (method === 'views.update' && !args.view_id && !args.external_id) return { ok: false, error: 'invalid_arguments' };
        const problem = viewProblem(view);
        if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } };
        counter++;
        return { ok: true, view: { id: args.view_id ?? `V${counter}`, ...view } };
      }
      case 'users.info': {
        const user = users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: user.id, team_id: user.teamId ?? teamId, name: user.name ?? user.id, real_name: user.name, profile: { email: user.email, real_name: user.name, display_name: user.name } } };
      }
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').toLowerCase();
        const user = [...users.values()].find((u) => u.email?.toLowerCase() === email);
        if (!user) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: { id: user.id, team_id: user.teamId ?? teamId, name: user.name, profile: { email: user.email } } };
      }
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link` };
      case 'chat.unfurl':
        return unfurlAnswer(args, shared);
      case 'conversations.open':
        if (!args.users) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, channel: { id: `D${String(args.users).split(',')[0]}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    let args: Record<string, any>;
    try {
      args = await readBody(req);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'invalid_json' }));
      return;
    }
    const hookMatch = /^\/response\/([\w-]+)$/.exec(path);
    const apiMatch = /^\/api\/([\w.]+)$/.exec(path);
    const method = hookMatch ? 'response_url' : apiMatch ? apiMatch[1] : '';
    const delay = latency.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      calls.push({ method, args, status, ok: body.ok === true, hook: hookMatch?.[1], at: Date.now(), token: req.headers.authorization?.replace(/^Bearer /, '') ?? args.token });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (!method) return send(404, { ok: false, error: 'not_found' });
    const queued = failures.get(method);
    const failure = queued?.shift();
    if (failure) {
      if ('status' in failure && failure.status === 429) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      if ('status' in failure) return send(500, { ok: false, error: 'internal_error' });
      return send(200, { ok: false, error: failure.error });
    }
    if (hookMatch) {
      const problem = blockProblem(args.blocks, LIMITS.message);
      if (problem) return send(200, { ok: false, error: 'invalid_blocks', errors: [problem] });
      return send(200, { ok: true });
    }
    if (method === 'oauth.v2.access') return send(200, oauth.answer(args, req.headers.authorization));
    const expected = method === 'apps.connections.open' ? appToken : token;
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? args.token;
    if (bearer !== expected && !(method !== 'apps.connections.open' && oauth.tokens.has(bearer))) return send(200, { ok: false, error: 'invalid_auth' });
    const target = args.channel ?? args.users ?? args.user;
    const home = typeof target === 'string' ? workspaceOf.get(target) : undefined;
    const caller = oauth.teamOf(bearer);
    if (home && caller && home !== caller) return send(200, { ok: false, error: target.startsWith('U') ? 'user_not_found' : 'channel_not_found' });
    return send(200, answer(method, args));
  });
  const sockets = new WebSocketServer({ server, path: '/link' });
  sockets.on('connection', (ws) => {
    socketClient = ws;
    ws.on('message', (data) => acks.push(JSON.parse(String(data))));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0001' }, debug_info: { host: 'fake', approximate_connection_time: 3600 } }));
    onConnected?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    apiUrl: `${origin}/api`,
    calls,
    accepted: (method) => calls.filter((c) => c.method === method && c.ok),
    attempts: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id) => `${origin}/response/${id}`,
    addUser: (user) => users.set(user.id, user),
    inWorkspace: (id, team) => void workspaceOf.set(id, team),
    shareLinks: (links) => void shared.push(links),
    messages: (channel) => channels.get(channel) ?? [],
    socket: {
      connected: () => connected,
      send(envelope) {
        if (!socketClient) throw new Error('no Socket Mode client is connected');
        socketClient.send(JSON.stringify(envelope));
      },
      acks,
    },
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    setLatency: (method, ms) => void latency.set(method, ms),
    oauth,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
