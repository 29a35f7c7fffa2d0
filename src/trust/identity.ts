/**
 * Who a chat user is in the catalog, decided from org data only (see claims.ts). Adapters bring
 * what the platform vouches for (a Slack user id and the e-mail Slack has for it; a Teams tenant,
 * object id and profile e-mail) and get a catalog User ref back, or none with the reason.
 */
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { describeClaim, usersClaiming, type Claim, type ClaimResult } from './claims.js';
import { bind, boundUser, checkBoundUser, otherBinding } from './teams-bindings.js';

export interface IdentityAnswer {
  userRef?: string;
  /** Why this answer: logged at debug, shown to admins. */
  reason: string;
}

/** Conflicts are logged once per claim per process (the sync reports them as problems every run). */
const warned = new Set<string>();

function onConflict(logger: Logger | undefined, claim: Claim, refs: string[]): IdentityAnswer {
  const key = `${claim.type}:${claim.value}`;
  if (logger && !warned.has(key)) {
    warned.add(key);
    logger.warn({ claim: claim.type, users: refs }, 'identity conflict: several org Users claim the same identity; none of them gets it until it is resolved');
  }
  return { reason: `${refs.join(' and ')} both claim ${describeClaim(claim)}: a conflict, so neither is trusted with it` };
}

async function byClaim(db: Db, claim: Claim, logger?: Logger): Promise<ClaimResult> {
  const result = await usersClaiming(db, claim);
  if (result.status === 'conflict' && claim.type === 'email') onConflict(logger, { type: 'email', value: claim.value.trim().toLowerCase() }, result.refs);
  return result;
}

/**
 * A Slack user: by the `slack.com/user-id` annotation of an org User, else by the e-mail Slack has
 * for them, unless that User names a different Slack id (then the e-mail is not theirs to use).
 */
export async function resolveSlackUser(db: Db, who: { userId: string; email?: string }, logger?: Logger): Promise<IdentityAnswer> {
  const byId = await usersClaiming(db, { type: 'slack', value: who.userId });
  if (byId.status === 'one') return { userRef: byId.user.ref, reason: `annotated ${who.userId}` };
  if (byId.status === 'conflict') return onConflict(logger, { type: 'slack', value: who.userId }, byId.refs);
  if (!who.email) return { reason: 'no org User names this Slack user, and Slack gave no e-mail' };
  const byEmail = await byClaim(db, { type: 'email', value: who.email }, logger);
  if (byEmail.status === 'conflict') return onConflict(logger, { type: 'email', value: who.email.trim().toLowerCase() }, byEmail.refs);
  if (byEmail.status === 'none') return { reason: 'no org User has this Slack user id or e-mail' };
  if (byEmail.user.slackId && byEmail.user.slackId !== who.userId) {
    return { reason: `${byEmail.user.ref} has this e-mail but names Slack user ${byEmail.user.slackId}` };
  }
  return { userRef: byEmail.user.ref, reason: 'matched by e-mail' };
}

export interface TeamsWho {
  tenantId: string;
  aadObjectId?: string;
  /** Profile e-mail or UPN, as the connector returned it. */
  email?: string;
  /** Whether the tenant is one of TEAMS_ALLOWED_TENANTS (e-mails from other tenants prove nothing). */
  tenantAllowed: boolean;
  /** When the binding is recorded (the adapter's clock). */
  now?: Date;
}

/**
 * A Teams user: first by the (tenant, object id) binding recorded when it was last resolved (while
 * that User is still an uncontested org User), else by the object id an org User is annotated with,
 * else (inside an allowed tenant only) by profile e-mail, unless that User names a different object
 * id or is already bound to another object id of the tenant. A successful match is recorded.
 */
export async function resolveTeamsUser(db: Db, who: TeamsWho, logger?: Logger): Promise<IdentityAnswer> {
  if (!who.tenantAllowed) return { reason: `tenant ${who.tenantId || '(none)'} is not an allowed tenant` };
  const oid = who.aadObjectId?.trim().toLowerCase();
  if (oid) {
    const bound = await boundUser(db, who.tenantId, oid);
    if (bound) {
      const check = await checkBoundUser(db, bound, oid);
      if (check.status === 'ok') return { userRef: bound, reason: 'bound object id (seen before)' };
      if (check.status === 'conflict') return onConflict(logger, { type: 'aad', value: `${bound} (bound to ${oid})` }, check.refs);
      // Gone from org data or now annotated with another object id: the record is not honoured.
    }
  }
  const answer = await resolveTeamsFresh(db, who, logger);
  if (!answer.userRef || !oid) return answer;
  const other = await otherBinding(db, who.tenantId, answer.userRef, oid);
  if (other && answer.reason === 'matched by e-mail') {
    const key = `teams-binding:${who.tenantId}:${oid}`;
    if (logger && !warned.has(key)) {
      warned.add(key);
      logger.warn({ claim: 'email', user: answer.userRef, tenant: who.tenantId, aadObjectId: oid, boundTo: other }, 'identity conflict: a Teams object id presents the e-mail of a User already bound to another object id; it gets no User');
    }
    return { reason: `${answer.userRef} is already bound to another Teams object id of this tenant` };
  }
  await bind(db, who.tenantId, oid, answer.userRef, who.now ?? new Date());
  return answer;
}

async function resolveTeamsFresh(db: Db, who: TeamsWho, logger?: Logger): Promise<IdentityAnswer> {
  if (who.aadObjectId) {
    const byId = await usersClaiming(db, { type: 'aad', value: who.aadObjectId });
    if (byId.status === 'one') return { userRef: byId.user.ref, reason: 'annotated object id' };
    if (byId.status === 'conflict') return onConflict(logger, { type: 'aad', value: who.aadObjectId.trim().toLowerCase() }, byId.refs);
  }
  if (!who.email) return { reason: 'no org User names this Teams user, and the profile has no e-mail' };
  const byEmail = await byClaim(db, { type: 'email', value: who.email }, logger);
  if (byEmail.status === 'conflict') return onConflict(logger, { type: 'email', value: who.email.trim().toLowerCase() }, byEmail.refs);
  if (byEmail.status === 'none') return { reason: 'no org User has this object id or e-mail' };
  if (byEmail.user.aadObjectId && who.aadObjectId && byEmail.user.aadObjectId !== who.aadObjectId.toLowerCase()) {
    return { reason: `${byEmail.user.ref} has this e-mail but names another object id` };
  }
  return { userRef: byEmail.user.ref, reason: 'matched by e-mail' };
}

/** A catalog User named by e-mail (shell and CLI: CALLSHEET_USER), from org data, unless contested. */
export async function orgUserByEmail(db: Db, email: string, logger?: Logger): Promise<string | undefined> {
  const result = await byClaim(db, { type: 'email', value: email }, logger);
  return result.status === 'one' ? result.user.ref : undefined;
}
