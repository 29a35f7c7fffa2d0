/**
 * Who may page on-call from chat: members of a PAGE_ALLOWED_GROUPS group, by org data only (like
 * admin commands). Paging wakes someone up, so with no group configured nobody may.
 */
import type { Db } from '../db/client.js';
import type { Requester } from '../reply/requester.js';
import { groupRefs, memberOfAny, type Decision } from './permissions.js';

export async function mayPage(db: Db, requester: Requester, allowedGroups: readonly string[]): Promise<Decision> {
  const groups = groupRefs(allowedGroups);
  if (groups.length === 0) return { ok: false, reason: 'paging from chat is off: PAGE_ALLOWED_GROUPS names no group' };
  const member = await memberOfAny(db, requester, groups);
  return member.ok ? member : { ok: false, reason: `paging is for members of ${groups.join(', ')}, and ${member.reason}` };
}
