/**
 * On-call now, for the commands: which targets an entity names (annotations), the live answer for
 * each from PagerDuty or Opsgenie (cached briefly), and the page itself. Targets whose service is not
 * configured are skipped; a failing service becomes a short message, never a failed answer.
 */
import type { OnCallEnv } from '../config/oncall.js';
import type { Logger } from '../logger.js';
import { ShortCache } from './cache.js';
import { OnCallError } from './http.js';
import { createOpsgenieClient, type OpsgenieClient } from './opsgenie.js';
import { createPagerDutyClient, type PagerDutyClient, type PagerDutyService, type TriggerEvent } from './pagerduty.js';
import type { OnCallAnswer, OnCallResult } from './types.js';

export type OnCallTarget =
  | { type: 'pagerduty-service'; id: string }
  | { type: 'pagerduty-integration'; key: string }
  | { type: 'opsgenie-team'; team: string }
  | { type: 'opsgenie-selector'; selector: string };

const annotation = (entity: Record<string, unknown>, key: string): string | undefined => {
  const metadata = entity.metadata as { annotations?: Record<string, unknown> } | undefined;
  const value = metadata?.annotations?.[key];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 300) : undefined;
};

/** The integration key is read here for the service's own use (paging); it never goes into a reply. */
export function integrationKeyOf(entity: Record<string, unknown>): string | undefined {
  return annotation(entity, 'pagerduty.com/integration-key');
}

/** What an entity names to ask: a service id wins over an integration key (one request less). */
export function targetsOf(entity: Record<string, unknown>): OnCallTarget[] {
  const out: OnCallTarget[] = [];
  const serviceId = annotation(entity, 'pagerduty.com/service-id');
  const key = integrationKeyOf(entity);
  if (serviceId) out.push({ type: 'pagerduty-service', id: serviceId });
  else if (key) out.push({ type: 'pagerduty-integration', key });
  const team = annotation(entity, 'opsgenie.com/team');
  const selector = annotation(entity, 'opsgenie.com/component-selector');
  if (team) out.push({ type: 'opsgenie-team', team });
  else if (selector) out.push({ type: 'opsgenie-selector', selector });
  return out;
}

/** A key that names the target without containing a secret (cache keys may be logged some day). */
function targetKey(t: OnCallTarget): string {
  switch (t.type) {
    case 'pagerduty-service':
      return `pd:s:${t.id}`;
    case 'pagerduty-integration':
      return `pd:k:${Buffer.from(t.key).toString('base64url').slice(-8)}:${t.key.length}`;
    case 'opsgenie-team':
      return `og:t:${t.team.toLowerCase()}`;
    case 'opsgenie-selector':
      return `og:q:${t.selector}`;
  }
}

function label(t: OnCallTarget): string {
  switch (t.type) {
    case 'pagerduty-service':
      return `service ${t.id}`;
    case 'pagerduty-integration':
      return 'the service of its integration key';
    case 'opsgenie-team':
      return `team ${t.team}`;
    case 'opsgenie-selector':
      return `component ${t.selector}`;
  }
}

export interface OnCallService {
  pagerDuty: boolean;
  opsgenie: boolean;
  /** Live answers for the targets the configured services can answer, in order. */
  lookup(targets: OnCallTarget[], at: Date): Promise<OnCallResult[]>;
  /** Raises a PagerDuty incident with the routing key; returns the dedup key. */
  trigger(event: TriggerEvent): Promise<string>;
}

export interface OnCallClients {
  pagerDuty?: PagerDutyClient;
  opsgenie?: OpsgenieClient;
  ttlMs: number;
  logger: Logger;
}

export function onCallService(clients: OnCallClients): OnCallService {
  const { pagerDuty, opsgenie, logger } = clients;
  const answers = new ShortCache<OnCallAnswer[]>(clients.ttlMs);
  // Which service and escalation policy an annotation names changes rarely: kept ten times longer.
  const services = new ShortCache<PagerDutyService>(clients.ttlMs * 10);

  async function answer(t: OnCallTarget, at: Date): Promise<OnCallAnswer[]> {
    switch (t.type) {
      case 'pagerduty-service':
      case 'pagerduty-integration': {
        const service = await services.get(targetKey(t), () => (t.type === 'pagerduty-service' ? pagerDuty!.service(t.id) : pagerDuty!.serviceByIntegrationKey(t.key)));
        return [await pagerDuty!.onCall(service, at)];
      }
      case 'opsgenie-team':
      case 'opsgenie-selector': {
        const team = t.type === 'opsgenie-team' ? t.team : await opsgenie!.teamOfSelector(t.selector);
        const schedules = await opsgenie!.schedulesOfTeam(team);
        if (!schedules.length) throw new OnCallError('Opsgenie', `team ${team} has no enabled schedule in Opsgenie`, 404);
        return Promise.all(schedules.map((s) => opsgenie!.onCall(s, at)));
      }
    }
  }

  return {
    pagerDuty: Boolean(pagerDuty),
    opsgenie: Boolean(opsgenie),
    async lookup(targets, at) {
      const usable = targets.filter((t) => (t.type.startsWith('pagerduty') ? pagerDuty : opsgenie));
      const results = await Promise.all(
        usable.map(async (t): Promise<OnCallResult[]> => {
          const provider = t.type.startsWith('pagerduty') ? 'PagerDuty' : 'Opsgenie';
          try {
            return (await answers.get(targetKey(t), () => answer(t, at))).map((a) => ({ ok: true as const, answer: a }));
          } catch (error) {
            const message = error instanceof OnCallError ? error.message : `${provider} could not be asked`;
            if (!(error instanceof OnCallError)) logger.error({ err: error, provider }, 'on-call look-up failed');
            return [{ ok: false as const, provider, target: label(t), message }];
          }
        }),
      );
      return results.flat();
    },
    async trigger(event) {
      if (!pagerDuty) throw new OnCallError('PagerDuty', 'paging is not configured');
      return pagerDuty.trigger(event);
    },
  };
}

/** The service from configuration: PagerDuty with PAGERDUTY_TOKEN, Opsgenie with OPSGENIE_API_KEY. */
export function onCallFromConfig(config: OnCallEnv, logger: Logger): OnCallService {
  // Events API v2 needs no REST token (the routing key is the credential): paging works without PAGERDUTY_TOKEN.
  const pagerDuty = createPagerDutyClient({ token: config.PAGERDUTY_TOKEN, apiUrl: config.PAGERDUTY_API_URL, eventsUrl: config.PAGERDUTY_EVENTS_URL, logger });
  const opsgenie = config.OPSGENIE_API_KEY ? createOpsgenieClient({ apiKey: config.OPSGENIE_API_KEY, apiUrl: config.OPSGENIE_API_URL, logger }) : undefined;
  const service = onCallService({ pagerDuty: config.PAGERDUTY_TOKEN ? pagerDuty : undefined, opsgenie, ttlMs: config.ONCALL_CACHE_TTL, logger });
  return { ...service, trigger: (event) => pagerDuty.trigger(event) };
}
