/**
 * The problem-notification ledger: which sync problems owners were told about, and which "fixed"
 * follow-ups are owed. Each replica may reconcile (idempotent upserts) and claim; a row is claimed
 * with `FOR UPDATE SKIP LOCKED` plus a claim time, so one replica sends each message. Times are the
 * database's `now()`, the clock replicas share.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';

/**
 * A problem's identity within its file: what it says about which entity, not its line, so an edit
 * above it that shifts the line does not tell the owners again.
 */
const HASH = sql`md5(coalesce(s.entity_ref, '') || chr(10) || s.message)`;

export interface ProblemRow {
  id: number;
  source_id: string;
  file_path: string;
  line: number | null;
  entity_ref: string | null;
  owner_ref: string | null;
  message: string;
  first_seen_at: Date | string;
  notified_at: Date | string | null;
  cleared_at: Date | string | null;
  attempts: number;
}

/** Brings the ledger up to date with `sync_problems`: new problems are owed a message, gone ones a "fixed". */
export async function reconcileProblems(db: Db): Promise<void> {
  // A problem that comes back after its "fixed" was sent is a new problem; one that comes back
  // before it was sent simply stays open (its owners were never told it was gone).
  await db.execute(sql`insert into problem_notifications as p (source_id, file_path, problem_hash, line, entity_ref, owner_ref, message)
    select distinct on (s.source_id, s.file_path, ${HASH}) s.source_id, s.file_path, ${HASH}, s.line, s.entity_ref, s.owner_ref, s.message
      from sync_problems s order by s.source_id, s.file_path, ${HASH}, s.line nulls last, s.id
    on conflict (source_id, file_path, problem_hash) do update set
      cleared_at = null,
      notified_at = case when p.fixed_notified_at is not null then null else p.notified_at end,
      first_seen_at = case when p.fixed_notified_at is not null then now() else p.first_seen_at end,
      fixed_notified_at = null, attempts = 0, line = excluded.line,
      owner_ref = coalesce(excluded.owner_ref, p.owner_ref)
    where p.cleared_at is not null`);
  await db.execute(sql`update problem_notifications p set cleared_at = now()
    where p.cleared_at is null and not exists (
      select 1 from sync_problems s where s.source_id = p.source_id and s.file_path = p.file_path and ${HASH} = p.problem_hash)`);
  // Cleared before anyone was told: nothing to say, in either direction.
  await db.execute(sql`update problem_notifications set notified_at = now(), fixed_notified_at = now(), claimed_by = null, claimed_at = null
    where notified_at is null and cleared_at is not null and (claimed_at is null or claimed_by is null)`);
}

/** Claims up to `limit` rows owed a message; `timeout` (a Postgres interval) lets a stuck claim be taken over. */
export async function claimProblems(db: Db, me: string, timeout: string, limit = 20): Promise<ProblemRow[]> {
  return query<ProblemRow>(
    db,
    sql`update problem_notifications set claimed_by = ${me}, claimed_at = now(), attempts = attempts + 1
         where id in (
           select id from problem_notifications
            where (notified_at is null or (cleared_at is not null and fixed_notified_at is null))
              and (claimed_at is null or claimed_at < now() - ${timeout}::interval)
            order by id limit ${limit} for update skip locked)
        returning id, source_id, file_path, line, entity_ref, owner_ref, message, first_seen_at, notified_at, cleared_at, attempts`,
  );
}

/** Records the message as sent (or given up on) and drops the claim. */
export async function markProblemSent(db: Db, me: string, row: ProblemRow, kind: 'problem' | 'fixed'): Promise<void> {
  const column = kind === 'problem' ? sql`notified_at` : sql`fixed_notified_at`;
  await db.execute(sql`update problem_notifications set ${column} = now(), claimed_by = null, claimed_at = null, attempts = 0
    where id = ${row.id} and claimed_by = ${me}`);
}

/** Gives the claim back so the next pass retries. */
export async function releaseProblem(db: Db, me: string, row: ProblemRow): Promise<void> {
  await db.execute(sql`update problem_notifications set claimed_by = null, claimed_at = null where id = ${row.id} and claimed_by = ${me}`);
}
