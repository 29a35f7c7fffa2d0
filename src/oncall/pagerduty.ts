/**
 * PagerDuty: REST API v2 (`Authorization: Token token=…`, `Accept: application/vnd.pagerduty+json;version=2`,
 * offset/limit/more pagination) for services and on-calls, and Events API v2 (`POST /v2/enqueue`,
 * routing key = the service's integration key) for raising an incident.
 */
import { arr, createJsonHttp, obj, OnCallError, str, type HttpOptions } from './http.js';
import { nowAndNext, type OnCallAnswer } from './types.js';

export interface PagerDutyOptions extends HttpOptions {
  token?: string;
  apiUrl: string;
  eventsUrl: string;
}

export interface PagerDutyService {
  id: string;
  name: string;
  url?: string;
  escalationPolicyId?: string;
}

export interface TriggerEvent {
  routingKey: string;
  summary: string;
  source: string;
  dedupKey: string;
  details: Record<string, string>;
  clientUrl?: string;
}

const PAGE_LIMIT = 100;
/** Pages read at most from one listing (1,000 services or on-call entries). */
const MAX_PAGES = 10;
/** Far enough ahead to see the next hand-over of a weekly rotation. */
const LOOKAHEAD_MS = 14 * 86_400_000;

export function createPagerDutyClient(options: PagerDutyOptions) {
  const http = createJsonHttp('PagerDuty', options);
  const rest = (path: string, params: Array<[string, string]> = []) => {
    if (!options.token) throw new OnCallError('PagerDuty', 'PAGERDUTY_TOKEN is not set');
    const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
    return http({ url: `${options.apiUrl}${path}${query}`, headers: { Authorization: `Token token=${options.token}`, Accept: 'application/vnd.pagerduty+json;version=2' } });
  };
  const checked = (status: number, body: unknown, what: string) => {
    if (status === 404) throw new OnCallError('PagerDuty', `${what} was not found in PagerDuty`, 404);
    if (status === 401 || status === 403) throw new OnCallError('PagerDuty', `PagerDuty refused PAGERDUTY_TOKEN (${status})`, status);
    if (status !== 200) throw new OnCallError('PagerDuty', `PagerDuty answered ${status} for ${what}: ${str(obj(obj(body).error).message) ?? 'no message'}`, status);
    return obj(body);
  };
  /** Every page of a listing, bounded. */
  async function listAll(path: string, key: string, params: Array<[string, string]>): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const { status, body } = await rest(path, [...params, ['limit', String(PAGE_LIMIT)], ['offset', String(offset)]]);
      const data = checked(status, body, path);
      const items = arr(data[key]);
      out.push(...items);
      if (data.more !== true || items.length === 0) break;
      offset += items.length;
    }
    return out;
  }
  const toService = (raw: unknown): PagerDutyService => {
    const s = obj(raw);
    const policy = obj(s.escalation_policy);
    return { id: str(s.id) ?? '', name: str(s.name) ?? str(s.summary) ?? str(s.id) ?? 'service', ...(str(s.html_url) ? { url: str(s.html_url) } : {}), ...(str(policy.id) ? { escalationPolicyId: str(policy.id) } : {}) };
  };

  return {
    async service(id: string): Promise<PagerDutyService> {
      const { status, body } = await rest(`/services/${encodeURIComponent(id)}`);
      return toService(checked(status, body, `service ${id}`).service);
    },

    /** The service an integration key belongs to (the key is matched exactly, never shown). */
    async serviceByIntegrationKey(key: string): Promise<PagerDutyService> {
      const services = await listAll('/services', 'services', [['include[]', 'integrations'], ['time_zone', 'UTC']]);
      const hit = services.find((s) => arr(obj(s).integrations).some((i) => str(obj(i).integration_key) === key));
      if (!hit) throw new OnCallError('PagerDuty', 'no PagerDuty service has the integration key of this entity', 404);
      return toService(hit);
    },

    /** Who is on call now on the policy's first level, until when, and who is next. */
    async onCall(service: PagerDutyService, at: Date): Promise<OnCallAnswer> {
      if (!service.escalationPolicyId) throw new OnCallError('PagerDuty', `service ${service.name} has no escalation policy`);
      const entries = await listAll('/oncalls', 'oncalls', [
        ['escalation_policy_ids[]', service.escalationPolicyId],
        ['include[]', 'users'],
        ['time_zone', 'UTC'],
        ['since', at.toISOString()],
        ['until', new Date(at.getTime() + LOOKAHEAD_MS).toISOString()],
      ]);
      const levels = entries.map((e) => Number(obj(e).escalation_level)).filter(Number.isFinite);
      const first = levels.length ? Math.min(...levels) : 1;
      const shifts = entries
        .map(obj)
        .filter((e) => Number(e.escalation_level) === first)
        .map((e) => {
          const user = obj(e.user);
          const date = (v: unknown) => (str(v) && Number.isFinite(Date.parse(str(v)!)) ? new Date(str(v)!) : undefined);
          return { name: str(user.name) ?? str(user.summary) ?? 'someone', ...(str(user.email) ? { email: str(user.email) } : {}), start: date(e.start), end: date(e.end) };
        });
      return { provider: 'PagerDuty', source: service.name, ...(service.url ? { url: service.url } : {}), ...nowAndNext(shifts, at) };
    },

    /**
     * Raises an incident through Events API v2; returns PagerDuty's dedup key. A retry after a 429, a
     * 5xx or a lost answer is safe: the same dedup key makes a repeated trigger the same alert.
     */
    async trigger(event: TriggerEvent): Promise<string> {
      const { status, body } = await http({
        method: 'POST',
        url: `${options.eventsUrl}/v2/enqueue`,
        headers: { Accept: 'application/json' },
        body: {
          routing_key: event.routingKey,
          event_action: 'trigger',
          dedup_key: event.dedupKey,
          payload: { summary: event.summary.slice(0, 1024), source: event.source, severity: 'critical', custom_details: event.details },
          client: 'Callsheet',
          ...(event.clientUrl ? { client_url: event.clientUrl } : {}),
        },
      });
      const data = obj(body);
      if (status !== 202) throw new OnCallError('PagerDuty', `PagerDuty did not accept the page (${status}: ${str(data.message) ?? 'no message'})`, status);
      return str(data.dedup_key) ?? event.dedupKey;
    },
  };
}

export type PagerDutyClient = ReturnType<typeof createPagerDutyClient>;
