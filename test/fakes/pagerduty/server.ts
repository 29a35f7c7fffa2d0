/**
 * A local stand-in for PagerDuty: the REST API v2 (`Authorization: Token token=…`, `Accept:
 * application/vnd.pagerduty+json;version=2`, offset/limit/more pagination, 429 with `ratelimit-*`
 * headers) for services and on-calls, and the Events API v2 (`POST /v2/enqueue`, 202 with a dedup key).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeService {
  id: string;
  name: string;
  policyId: string;
  integrationKeys?: string[];
}

export interface FakeOnCall {
  policyId: string;
  level: number;
  user: FakeUser;
  /** ISO times; absent: a permanent on-call. */
  start?: string;
  end?: string;
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  headers: IncomingMessage['headers'];
}

export interface FakePagerDuty {
  url: string;
  calls: Call[];
  /** Events accepted by /v2/enqueue. */
  events: Array<Record<string, any>>;
  addService(service: FakeService): void;
  addOnCall(entry: FakeOnCall): void;
  /** The next request whose path starts with `prefix` answers 429 (with `seconds` to wait) or 500. */
  failNext(prefix: string, failure: { status: 429; seconds: number } | { status: 500 }): void;
  close(): Promise<void>;
}

const MAX_LIMIT = 100;

export async function startFakePagerDuty(options: { token: string }): Promise<FakePagerDuty> {
  const services: FakeService[] = [];
  const oncalls: FakeOnCall[] = [];
  const calls: Call[] = [];
  const events: Array<Record<string, any>> = [];
  const failures: Array<{ prefix: string; failure: { status: 429; seconds: number } | { status: 500 } }> = [];
  let origin = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const ref = (type: string, id: string, summary: string) => ({ id, type: `${type}_reference`, summary, self: `${origin}/${type}s/${id}`, html_url: `https://acme.pagerduty.com/${type}s/${id}` });
  const serviceJson = (s: FakeService, withIntegrations: boolean) => ({
    id: s.id,
    type: 'service',
    name: s.name,
    summary: s.name,
    status: 'active',
    html_url: `https://acme.pagerduty.com/service-directory/${s.id}`,
    escalation_policy: ref('escalation_policy', s.policyId, `${s.name} policy`),
    integrations: (s.integrationKeys ?? []).map((key, i) =>
      withIntegrations ? { id: `PI${s.id}${i}`, type: 'generic_events_api_inbound_integration', integration_key: key } : { id: `PI${s.id}${i}`, type: 'generic_events_api_inbound_integration_reference' },
    ),
  });
  const page = (query: URLSearchParams, items: unknown[]) => {
    const limit = Math.min(Number(query.get('limit') ?? 25) || 25, MAX_LIMIT);
    const offset = Number(query.get('offset') ?? 0) || 0;
    return { limit, offset, more: offset + limit < items.length, total: query.get('total') === 'true' ? items.length : null, items: items.slice(offset, offset + limit) };
  };

  function rest(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): number {
    if (req.headers.authorization !== `Token token=${options.token}`) return send(res, 401, { error: { message: 'Unauthorized', code: 2006 } }), 401;
    if (!String(req.headers.accept ?? '').includes('application/vnd.pagerduty+json;version=2')) return send(res, 406, { error: { message: 'Not Acceptable', code: 2001 } }), 406;
    const one = path.match(/^\/services\/([^/]+)$/);
    if (one) {
      const s = services.find((x) => x.id === decodeURIComponent(one[1]!));
      if (!s) return send(res, 404, { error: { message: 'Not Found', code: 2100 } }), 404;
      return send(res, 200, { service: serviceJson(s, query.getAll('include[]').includes('integrations')) }), 200;
    }
    if (path === '/services') {
      const { items, ...rest } = page(query, services.map((s) => serviceJson(s, query.getAll('include[]').includes('integrations'))));
      return send(res, 200, { services: items, ...rest }), 200;
    }
    if (path === '/oncalls') {
      const policies = query.getAll('escalation_policy_ids[]');
      const since = Date.parse(query.get('since') ?? new Date().toISOString());
      const until = Date.parse(query.get('until') ?? new Date(since + 1).toISOString());
      const withUsers = query.getAll('include[]').includes('users');
      const matching = oncalls
        .filter((o) => !policies.length || policies.includes(o.policyId))
        .filter((o) => (!o.start || Date.parse(o.start) < until) && (!o.end || Date.parse(o.end) > since))
        .sort((a, b) => (a.start ? Date.parse(a.start) : 0) - (b.start ? Date.parse(b.start) : 0));
      const { items, ...rest } = page(
        query,
        matching.map((o) => ({
          escalation_policy: ref('escalation_policy', o.policyId, 'policy'),
          escalation_level: o.level,
          schedule: ref('schedule', `S${o.policyId}`, 'schedule'),
          user: withUsers ? { id: o.user.id, type: 'user', name: o.user.name, email: o.user.email, summary: o.user.name, html_url: `https://acme.pagerduty.com/users/${o.user.id}` } : ref('user', o.user.id, o.user.name),
          start: o.start ?? null,
          end: o.end ?? null,
        })),
      );
      return send(res, 200, { oncalls: items, ...rest }), 200;
    }
    return send(res, 404, { error: { message: 'Not Found', code: 2100 } }), 404;
  }

  function enqueue(body: string, res: ServerResponse): number {
    let event: Record<string, any>;
    try {
      event = JSON.parse(body);
    } catch {
      return send(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Malformed JSON'] }), 400;
    }
    const errors: string[] = [];
    const known = services.flatMap((s) => s.integrationKeys ?? []);
    if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32) errors.push("'routing_key' must be 32 characters");
    else if (!known.includes(event.routing_key)) errors.push('Invalid routing key');
    if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action)) errors.push("'event_action' is invalid");
    if (event.event_action === 'trigger') {
      if (!event.payload?.summary) errors.push("'payload.summary' is missing or blank");
      if (!event.payload?.source) errors.push("'payload.source' is missing or blank");
      if (!['critical', 'error', 'warning', 'info'].includes(event.payload?.severity)) errors.push("'payload.severity' is invalid");
    }
    if (errors.length) return send(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors }), 400;
    const dedup = typeof event.dedup_key === 'string' ? event.dedup_key : randomUUID().replace(/-/g, '');
    events.push(event);
    return send(res, 202, { status: 'success', message: 'Event processed', dedup_key: dedup }), 202;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      const record = (status: number) => calls.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status, headers: req.headers });
      const i = failures.findIndex((f) => url.pathname.startsWith(f.prefix));
      if (i >= 0) {
        const [{ failure }] = failures.splice(i, 1);
        if (failure.status === 429) {
          send(res, 429, { error: { message: 'Rate Limit Exceeded', code: 2020 } }, { 'ratelimit-limit': '960', 'ratelimit-remaining': '0', 'ratelimit-reset': String(failure.seconds) });
        } else send(res, 500, { error: { message: 'Internal Server Error' } });
        return record(failure.status);
      }
      if (req.method === 'POST' && url.pathname === '/v2/enqueue') return record(enqueue(Buffer.concat(chunks).toString('utf8'), res));
      if (req.method === 'GET') return record(rest(req, res, url.pathname, url.searchParams));
      record(405);
      send(res, 405, { error: { message: 'Method Not Allowed' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    calls,
    events,
    addService: (s) => services.push(s),
    addOnCall: (o) => oncalls.push(o),
    failNext: (prefix, failure) => failures.push({ prefix, failure }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
