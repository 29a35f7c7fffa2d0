/**
 * Opsgenie REST API (`Authorization: GenieKey …`, US or EU host): a team's schedules, who is on call
 * in each now (`/v2/schedules/{id}/on-calls`), and the timeline for until when and who is next.
 * A component selector finds its Opsgenie service (`/v1/services?query=`), whose team is asked.
 */
import { arr, createJsonHttp, obj, OnCallError, str, type HttpOptions } from './http.js';
import { nowAndNext, type OnCallAnswer, type OnCallPerson } from './types.js';

export interface OpsgenieOptions extends HttpOptions {
  apiKey?: string;
  apiUrl: string;
}

export interface OpsgenieSchedule {
  id: string;
  name: string;
  teamName?: string;
}

/** Schedules read at most for one team. */
const MAX_SCHEDULES = 5;

export function createOpsgenieClient(options: OpsgenieOptions) {
  const http = createJsonHttp('Opsgenie', options);
  async function get(path: string, params: Array<[string, string]>, what: string): Promise<Record<string, unknown>> {
    if (!options.apiKey) throw new OnCallError('Opsgenie', 'OPSGENIE_API_KEY is not set');
    const { status, body } = await http({ url: `${options.apiUrl}${path}?${new URLSearchParams(params).toString()}`, headers: { Authorization: `GenieKey ${options.apiKey}` } });
    if (status === 404) throw new OnCallError('Opsgenie', `${what} was not found in Opsgenie`, 404);
    if (status === 401 || status === 403) throw new OnCallError('Opsgenie', `Opsgenie refused OPSGENIE_API_KEY (${status})`, status);
    if (status !== 200) throw new OnCallError('Opsgenie', `Opsgenie answered ${status} for ${what}: ${str(obj(body).message) ?? 'no message'}`, status);
    return obj(body);
  }

  const person = (name: string | undefined): OnCallPerson => ({ name: name ?? 'someone', ...(name?.includes('@') ? { email: name } : {}) });

  return {
    async schedulesOfTeam(team: string): Promise<OpsgenieSchedule[]> {
      const data = await get('/v2/schedules', [], 'schedules');
      return arr(data.data)
        .map(obj)
        .filter((s) => s.enabled !== false && str(obj(s.ownerTeam).name)?.toLowerCase() === team.toLowerCase())
        .slice(0, MAX_SCHEDULES)
        .map((s) => ({ id: str(s.id) ?? '', name: str(s.name) ?? 'schedule', teamName: str(obj(s.ownerTeam).name) }));
    },

    /** The team of the Opsgenie service a component selector names. */
    async teamOfSelector(selector: string): Promise<string> {
      const services = arr((await get('/v1/services', [['query', selector], ['limit', '5']], `the service matching ${selector}`)).data).map(obj);
      const teamId = str(services[0]?.teamId);
      if (!teamId) throw new OnCallError('Opsgenie', `no Opsgenie service matches ${selector}`, 404);
      const team = obj((await get(`/v2/teams/${encodeURIComponent(teamId)}`, [['identifierType', 'id']], `team ${teamId}`)).data);
      return str(team.name) ?? teamId;
    },

    async onCall(schedule: OpsgenieSchedule, at: Date): Promise<OnCallAnswer> {
      const path = `/v2/schedules/${encodeURIComponent(schedule.id)}`;
      const current = obj((await get(`${path}/on-calls`, [['scheduleIdentifierType', 'id'], ['flat', 'false'], ['date', at.toISOString()]], `schedule ${schedule.name}`)).data);
      const people = arr(current.onCallParticipants).map(obj).filter((p) => p.type === 'user').map((p) => person(str(p.name)));
      const timeline = obj((await get(`${path}/timeline`, [['identifierType', 'id'], ['interval', '2'], ['intervalUnit', 'weeks'], ['date', at.toISOString()]], `schedule ${schedule.name}`)).data);
      const periods = arr(obj(timeline.finalTimeline).rotations)
        .flatMap((r) => arr(obj(r).periods))
        .map(obj)
        .filter((p) => obj(p.recipient).type === 'user')
        .map((p) => ({ ...person(str(obj(p.recipient).name)), start: new Date(str(p.startDate) ?? 0), end: new Date(str(p.endDate) ?? 0) }));
      const shifts = nowAndNext(periods, at);
      // on-calls is the authority for now (overrides included); the timeline adds until when and who is next.
      return { provider: 'Opsgenie', source: schedule.name, now: { people, ...(shifts.now.until ? { until: shifts.now.until } : {}) }, ...(shifts.next ? { next: shifts.next } : {}) };
    },
  };
}

export type OpsgenieClient = ReturnType<typeof createOpsgenieClient>;
