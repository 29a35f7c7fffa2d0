/**
 * What a requester may do: run a template (`callsheet.io/allowed-groups`) and use admin commands
 * (CALLSHEET_ADMINS). Both read membership from org data only (membership.ts), so a User planted
 * in a repository of a GitHub organisation grants nothing.
 */
import { tryRef } from '../catalog/refs.js';
import type { Requester } from '../reply/requester.js';
import type { Db } from '../db/client.js';
import { isOrgUser, orgGroupsOf } from './membership.js';

export type Decision = { ok: true; reason: string } | { ok: false; reason: string };

/** Group refs as configured (`platform`, `group:default/platform`) in canonical form; unparseable ones match nothing. */
export function groupRefs(groups: readonly string[]): string[] {
  return groups.map((g) => g.trim()).filter(Boolean).map((g) => tryRef(g, { defaultKind: 'Group' }) ?? `invalid:${g}`);
}

/**
 * Whether the requester belongs to one of `groups` (canonical refs), by org data. The `reason`
 * says which group let them in, or why not, in words fit for the requester.
 */
export async function memberOfAny(db: Db, requester: Requester, groups: readonly string[]): Promise<Decision> {
  if (!requester.userRef) return { ok: false, reason: 'I could not match you to a catalog User' };
  if (!(await isOrgUser(db, requester.userRef))) return { ok: false, reason: `${requester.userRef} is not a User from the organisation's sources (ORG_SOURCES)` };
  const mine = await orgGroupsOf(db, requester.userRef);
  const hit = groups.find((g) => mine.has(g));
  return hit ? { ok: true, reason: `${requester.userRef} is a member of ${hit}` } : { ok: false, reason: `${requester.userRef} is not a member of any of them` };
}

/**
 * Whether the actor may use admin commands (`audit`, ...): members of a CALLSHEET_ADMINS group.
 * `adminGroups` is the configured list (any ref form). Nobody is an admin when it is empty, except
 * the one-shot CLI, whose operator already holds the database credentials.
 */
export async function mayAdminister(db: Db, actor: Requester, adminGroups: readonly string[]): Promise<Decision> {
  if (actor.platform === 'cli') return { ok: true, reason: 'the command line runs with the service\'s own credentials' };
  const groups = groupRefs(adminGroups);
  if (groups.length === 0) return { ok: false, reason: 'admin commands are off: CALLSHEET_ADMINS names no group' };
  const member = await memberOfAny(db, actor, groups);
  return member.ok ? member : { ok: false, reason: `admin commands are for members of ${groups.join(', ')}, and ${member.reason}` };
}
