/** Team score history: one row per team per run, so a digest can say how the score moved. */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { teamScores } from '../db/schema.js';
import type { TeamReport } from './evaluate.js';
import { toDate } from './load-snapshot.js';

export interface PastScore {
  score: number;
  at: Date;
}

/** Each team's latest recorded score strictly before `before`. */
export async function previousScores(db: Db, before: Date): Promise<Map<string, PastScore>> {
  const rows = await query<{ team_ref: string; score: number; at: Date | string }>(
    db,
    sql`select distinct on (team_ref) team_ref, score, at from team_scores
         where at < ${before.toISOString()}::timestamptz order by team_ref, at desc`,
  );
  return new Map(rows.map((r) => [r.team_ref, { score: Number(r.score), at: toDate(r.at) }]));
}

const CHUNK = 1000;

export async function recordScores(db: Db, reports: Iterable<TeamReport>, at: Date, runId: number | null): Promise<void> {
  const rows = [...reports]
    .filter((r) => r.score !== null)
    .map((r) => ({ teamRef: r.teamRef, at, runId, score: r.score!, entities: r.entities }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insert(teamScores).values(rows.slice(i, i + CHUNK)).onConflictDoNothing();
  }
}

/** Percentage points, rounded, e.g. 0.62 -> 62. */
export function percent(score: number): number {
  return Math.round(score * 100);
}
