/** Who is asking in a Teams turn: the tenant, the team, and the catalog requester (tenant/identity gate). */
import { TeamsInfo, type Activity, type TurnContext } from 'botbuilder';
import type { Requester } from '../../src/commands/types.js';
import { recordCall } from './api-calls.js';
import type { BotDeps } from './bot-deps.js';
import { resolveRequester, type MemberProfile } from './identity.js';

export function tenantOf(activity: Activity): string {
  const data = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? data?.tenant?.id ?? '';
}

export function teamOf(activity: Activity): { id?: string; name?: string } {
  const data = activity.channelData as { team?: { id?: string; name?: string } } | undefined;
  return data?.team ?? {};
}

export async function requesterFor(deps: BotDeps, context: TurnContext): Promise<Requester> {
  const from = context.activity.from;
  if (!from?.id) return { platform: 'teams' };
  return resolveRequester(
    {
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      ttlMs: deps.identityTtlMs,
      tenantAllowed: (tenant) => !deps.tenants || deps.tenants.includes(tenant.toLowerCase()),
      fetchMember: async (): Promise<MemberProfile> => {
        const member = await recordCall('getMember', () => TeamsInfo.getMember(context, from.id));
        return { email: member.email, userPrincipalName: member.userPrincipalName, name: member.name, aadObjectId: member.aadObjectId };
      },
    },
    { id: from.id, name: from.name, aadObjectId: from.aadObjectId, tenantId: tenantOf(context.activity) },
  );
}
