/** Team look-ups for the `stale` and `score` commands. */
import { and, eq, inArray } from 'drizzle-orm';
import { tryRef } from '../catalog/refs.js';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import { orgGroupsOf } from '../trust/membership.js';
import { evaluate, UNOWNED, type TeamReport } from './evaluate.js';
import { loadSnapshot, loadTeamSnapshot } from './load-snapshot.js';

/** `payments`, `group:payments`, `user:jane` -> a Group or User ref the catalog knows (or `unowned`). */
export async function resolveTeam(db: Db, arg: string): Promise<string | undefined> {
  const text = arg.trim();
  if (text.toLowerCase() === UNOWNED) return UNOWNED;
  const ref = tryRef(text, { defaultKind: 'Group' });
  if (!ref) return undefined;
  const found = await db.select({ ref: entities.ref }).from(entities).where(and(eq(entities.ref, ref), inArray(entities.kind, ['group', 'user'])));
  if (found.length > 0) return ref;
  // An owner that is not in the catalog still owns entities (that is a finding), so it can be asked about.
  const owns = await db.select({ ref: entities.ref }).from(entities).where(eq(entities.ownerRef, ref)).limit(1);
  return owns.length > 0 ? ref : undefined;
}

/** The Groups a catalog User belongs to, by org data only (the trust module decides membership). */
export async function teamsOf(db: Db, userRef: string): Promise<string[]> {
  return [...(await orgGroupsOf(db, userRef))].sort();
}

export async function teamReport(db: Db, teamRef: string, now: Date, staleAfterDays: number): Promise<TeamReport> {
  if (teamRef === UNOWNED) {
    const report = evaluate(await loadSnapshot(db, now), { now, staleAfterDays }).teams.get(UNOWNED);
    return report ?? { teamRef, score: null, entities: 0, findings: [] };
  }
  const report = evaluate(await loadTeamSnapshot(db, teamRef, now), { now, staleAfterDays }).teams.get(teamRef);
  return report ?? { teamRef, score: null, entities: 0, findings: [] };
}

/** The teams a `stale`/`score` command is about: the named one, else the requester's. */
export async function commandTeams(db: Db, arg: string, userRef: string | undefined): Promise<{ teams: string[] } | { error: string }> {
  if (arg.trim()) {
    const team = await resolveTeam(db, arg);
    return team ? { teams: [team] } : { error: `No team "${arg.trim()}" in the catalog.` };
  }
  const mine = userRef ? await teamsOf(db, userRef) : [];
  if (mine.length === 0) return { error: 'Which team? I do not know which teams you are in; name one.' };
  return { teams: mine };
}
