/**
 * A local stand-in for Opsgenie's REST API (`Authorization: GenieKey …`): schedules with their owner
 * team, who is on call (`/v2/schedules/{id}/on-calls`), the final timeline, teams, and services
 * (`/v1/services?query=`). Answers carry `took` and `requestId` like Opsgenie's; a throttled request
 * gets 429 with `X-RateLimit-State: THROTTLED` and `X-RateLimit-Period-In-Sec`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakePeriod {
  user: string;
  start: string;
  end: string;
}

export interface FakeSchedule {
  id: string;
  name: string;
  teamId: string;
  enabled?: boolean;
  periods: FakePeriod[];
}

export interface Call {
  path: string;
  query: URLSearchParams;
  status: number;
  headers: IncomingMessage['headers'];
}

export interface FakeOpsgenie {
  url: string;
  calls: Call[];
  addTeam(team: { id: string; name: string }): void;
  addSchedule(schedule: FakeSchedule): void;
  addService(service: { id: string; name: string; teamId: string; tags?: string[] }): void;
  failNext(prefix: string, failure: { status: 429; seconds: number }): void;
  close(): Promise<void>;
}

export async function startFakeOpsgenie(options: { apiKey: string }): Promise<FakeOpsgenie> {
  const teams: Array<{ id: string; name: string }> = [];
  const schedules: FakeSchedule[] = [];
  const services: Array<{ id: string; name: string; teamId: string; tags?: string[] }> = [];
  const calls: Call[] = [];
  const failures: Array<{ prefix: string; seconds: number }> = [];
  let origin = '';

  const send = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ ...body, took: 0.004, requestId: randomUUID() }));
  };
  const userId = (email: string) => `u-${email.split('@')[0]}`;
  const team = (id: string) => teams.find((t) => t.id === id);
  const parent = (s: FakeSchedule) => ({ id: s.id, name: s.name, enabled: s.enabled !== false });
  const scheduleBy = (id: string, type: string | null) => schedules.find((s) => (type === 'name' ? s.name === id : s.id === id));

  function answer(req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): number {
    if (req.headers.authorization !== `GenieKey ${options.apiKey}`) return send(res, 401, { message: 'Could not authenticate' }), 401;
    if (path === '/v2/schedules') {
      const data = schedules.map((s) => ({ ...parent(s), description: '', timezone: 'Europe/London', ownerTeam: { id: s.teamId, name: team(s.teamId)?.name ?? s.teamId }, rotations: [] }));
      return send(res, 200, { data, expandable: ['rotation'] }), 200;
    }
    const onCalls = path.match(/^\/v2\/schedules\/([^/]+)\/on-calls$/);
    if (onCalls) {
      const s = scheduleBy(decodeURIComponent(onCalls[1]!), q.get('scheduleIdentifierType'));
      if (!s) return send(res, 404, { message: 'Schedule not found' }), 404;
      const at = Date.parse(q.get('date') ?? new Date().toISOString());
      const now = s.periods.filter((p) => Date.parse(p.start) <= at && Date.parse(p.end) > at);
      if (q.get('flat') === 'true') return send(res, 200, { data: { _parent: parent(s), onCallRecipients: now.map((p) => p.user) } }), 200;
      return send(res, 200, { data: { _parent: parent(s), onCallParticipants: now.map((p) => ({ id: userId(p.user), name: p.user, type: 'user' })) } }), 200;
    }
    const timeline = path.match(/^\/v2\/schedules\/([^/]+)\/timeline$/);
    if (timeline) {
      const s = scheduleBy(decodeURIComponent(timeline[1]!), q.get('identifierType'));
      if (!s) return send(res, 404, { message: 'Schedule not found' }), 404;
      const start = Date.parse(q.get('date') ?? new Date().toISOString());
      const weeks = q.get('intervalUnit') === 'weeks' ? Number(q.get('interval') ?? 1) : 1;
      const end = start + weeks * 7 * 86_400_000;
      const periods = s.periods
        .filter((p) => Date.parse(p.end) > start && Date.parse(p.start) < end)
        .map((p) => ({ startDate: p.start, endDate: p.end, type: 'default', recipient: { id: userId(p.user), type: 'user', name: p.user } }));
      const data = { _parent: parent(s), startDate: new Date(start).toISOString(), endDate: new Date(end).toISOString(), finalTimeline: { rotations: [{ id: `r-${s.id}`, name: 'Primary', order: 1, periods }] } };
      return send(res, 200, { data }), 200;
    }
    const oneTeam = path.match(/^\/v2\/teams\/([^/]+)$/);
    if (oneTeam) {
      const id = decodeURIComponent(oneTeam[1]!);
      const t = q.get('identifierType') === 'name' ? teams.find((x) => x.name === id) : team(id);
      if (!t) return send(res, 404, { message: 'No team exists with identifier' }), 404;
      return send(res, 200, { data: { ...t, description: '', members: [] } }), 200;
    }
    if (path === '/v1/services') {
      const query = q.get('query') ?? '';
      const data = services.filter((s) => !query || query.includes(s.name) || (s.tags ?? []).some((t) => query.includes(t)));
      return send(res, 200, { data: data.map((s) => ({ ...s, description: '', tags: s.tags ?? [] })), paging: { first: `${origin}/v1/services?offset=0`, last: `${origin}/v1/services?offset=0` }, totalCount: data.length }), 200;
    }
    return send(res, 404, { message: 'Not found' }), 404;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const record = (status: number) => calls.push({ path: url.pathname, query: url.searchParams, status, headers: req.headers });
    const i = failures.findIndex((f) => url.pathname.startsWith(f.prefix));
    if (i >= 0) {
      const [{ seconds }] = failures.splice(i, 1);
      send(res, 429, { message: 'Request throttled' }, { 'X-RateLimit-State': 'THROTTLED', 'X-RateLimit-Reason': 'ACCOUNT', 'X-RateLimit-Period-In-Sec': String(seconds) });
      return record(429);
    }
    if (req.method !== 'GET') {
      send(res, 405, { message: 'Method not allowed' });
      return record(405);
    }
    record(answer(req, res, url.pathname, url.searchParams));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    calls,
    addTeam: (t) => teams.push(t),
    addSchedule: (s) => schedules.push(s),
    addService: (s) => services.push(s),
    failNext: (prefix, failure) => failures.push({ prefix, seconds: failure.seconds }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
