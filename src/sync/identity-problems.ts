/**
 * Identity conflicts (two org Users claiming one Slack id, Teams object id or e-mail) as sync
 * problems, so the platform team sees them where it sees broken files: `callsheet sync`, the
 * problems gauge and, with CALLSHEET_ADMINS set, the first admin group's nudge digest. They are
 * recomputed after every sync, under a source id of their own, because a conflict can span sources.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { entities, syncProblems } from '../db/schema.js';
import { describeClaim, identityConflicts } from '../trust/claims.js';
import { groupRefs } from '../trust/permissions.js';
import type { Problem } from './types.js';

export const IDENTITY_PROBLEMS_SOURCE = 'trust:identity';

export interface IdentityProblem extends Problem {
  /** The source of the User the problem is about. */
  sourceId: string;
}

export async function recordIdentityConflicts(db: Db, adminGroups: readonly string[] = []): Promise<IdentityProblem[]> {
  const conflicts = await identityConflicts(db);
  const refs = [...new Set(conflicts.flatMap((c) => c.refs))];
  const rows = refs.length ? await db.select({ ref: entities.ref, sourceId: entities.sourceId, filePath: entities.filePath }).from(entities).where(inArray(entities.ref, refs)) : [];
  const where = new Map(rows.map((r) => [r.ref, r]));
  const problems: IdentityProblem[] = [];
  for (const conflict of conflicts) {
    for (const ref of conflict.refs) {
      const others = conflict.refs.filter((r) => r !== ref);
      const at = where.get(ref);
      problems.push({
        sourceId: at?.sourceId ?? '',
        filePath: at?.filePath ?? '',
        entityRef: ref,
        message: `identity conflict: ${ref} (source ${at?.sourceId ?? '?'}) and ${others.join(', ')} all claim ${describeClaim(conflict.claim)}; none of them gets this identity until the claim is made by one User only`,
      });
    }
  }
  const ownerRef = groupRefs(adminGroups)[0] ?? null;
  await db.transaction(async (tx) => {
    await tx.delete(syncProblems).where(eq(syncProblems.sourceId, IDENTITY_PROBLEMS_SOURCE));
    if (problems.length) {
      await tx.insert(syncProblems).values(
        problems.map((p) => ({ sourceId: IDENTITY_PROBLEMS_SOURCE, filePath: p.filePath, entityRef: p.entityRef ?? null, ownerRef, message: p.message, line: null, runId: null, createdAt: sql`now()` })),
      );
    }
  });
  return problems;
}

const RECHECK_MS = 5 * 60_000;

/**
 * The check after each run reads every User of the catalog. A run that added, changed and removed no
 * User, of a source as much an org source as when last checked, cannot change its verdicts, so the
 * last ones stand; they are recomputed at least every few minutes anyway (other replicas' runs).
 */
export function identityChecks(db: Db, clock: Clock, adminGroups: readonly string[]) {
  let last: { problems: IdentityProblem[]; at: number; org: Map<string, boolean> } | undefined;
  return {
    async check(sourceId: string, org: boolean, usersChanged: boolean): Promise<IdentityProblem[]> {
      const now = clock.now().getTime();
      if (!last || usersChanged || last.org.get(sourceId) !== org || now - last.at >= RECHECK_MS) {
        last = { problems: await recordIdentityConflicts(db, adminGroups), at: now, org: new Map(last?.org ?? []) };
      }
      last.org.set(sourceId, org);
      return last.problems;
    },
    /** A source was removed: its Users make no claims any more. */
    forget() {
      last = undefined;
    },
  };
}
