/**
 * Acting for another user (`callsheet create --as <user>`). Only the local command line may: its
 * operator already holds the database (DATABASE_URL, or the DATA_DIR files and the loopback secret of
 * a running server) and could write any row, so naming a user grants nothing new. Chat, HTTP and MCP
 * requesters never may. The user must be a User from the organisation's sources (ORG_SOURCES), and
 * what may then run is decided for that user, as for anyone (templates.ts).
 */
import { catalogUser } from '../catalog/users.js';
import type { Db } from '../db/client.js';
import type { Requester } from '../reply/requester.js';
import { isOrgUser } from './membership.js';

export type ActingAs = { ok: true; requester: Requester } | { ok: false; reason: string };

export async function actAs(db: Db, actor: Requester, who: string): Promise<ActingAs> {
  if (actor.platform !== 'cli') return { ok: false, reason: `acting for another user (--as) is only for the local command line, not ${actor.platform}` };
  const userRef = (await catalogUser(db, who.trim())) ?? undefined;
  if (!userRef) return { ok: false, reason: `--as ${who}: there is no catalog User by that name or email` };
  if (!(await isOrgUser(db, userRef))) return { ok: false, reason: `--as ${who}: ${userRef} is not a User from the organisation's sources (ORG_SOURCES)` };
  // The audit log names both: the operator (if known) and the user acted for.
  const operator = actor.displayName ?? actor.externalId ?? 'operator';
  return { ok: true, requester: { platform: 'cli', externalId: `${operator} --as ${userRef}`, displayName: who.trim(), userRef } };
}
