/**
 * The watch ledger (migration 0022): what each watched entity looked like when its watchers last
 * heard of it, and the changes owed a DM. Reconciling compares the snapshot with `entities` after
 * whatever the syncs wrote, so no hook in sync is needed; each change is recorded by the statement
 * that moves the snapshot on (a second replica doing the same waits on the row lock, then finds
 * nothing different), and each DM is claimed with `FOR UPDATE SKIP LOCKED`, as problem notifications are.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';

/** What a watcher hears about: the entity's owner, lifecycle and system, and whether it exists. */
export interface WatchedState {
  present: boolean;
  owner_ref: string | null;
  lifecycle: string | null;
  system_ref: string | null;
}

export interface WatchChangeRow {
  id: number;
  ref: string;
  before: WatchedState;
  after: WatchedState;
  attempts: number;
}

/**
 * Entities watched: directly, or through a watched owner (a team's watchers hear about what it owns).
 * A snapshot row stays while it is watched so a deletion is still seen.
 */
const WATCHED = sql`(select w.target_ref as ref from watches w
  union select e.ref from entities e join watches w on w.target_ref = e.owner_ref)`;

export async function reconcileWatches(db: Db): Promise<void> {
  // Newly watched: the state now is the baseline, nothing to tell.
  await db.execute(sql`insert into watch_snapshots (ref, present, owner_ref, lifecycle, system_ref)
    select x.ref, e.ref is not null, e.owner_ref, e.lifecycle, e.system_ref
      from ${WATCHED} as x left join entities e on e.ref = x.ref
    on conflict (ref) do nothing`);
  // A change: the snapshot moves on and the change is recorded, in one statement. A deleted entity
  // keeps its last owner, lifecycle and system in the snapshot (what the DM names).
  await db.execute(sql`with cur as (
      select s.ref, e.ref is not null as present,
        case when e.ref is null then s.owner_ref else e.owner_ref end as owner_ref,
        case when e.ref is null then s.lifecycle else e.lifecycle end as lifecycle,
        case when e.ref is null then s.system_ref else e.system_ref end as system_ref
      from watch_snapshots s left join entities e on e.ref = s.ref),
    moved as (
      update watch_snapshots s set present = c.present, owner_ref = c.owner_ref, lifecycle = c.lifecycle, system_ref = c.system_ref, seen_at = now()
        from cur c, (select * from watch_snapshots) as old
       where c.ref = s.ref and old.ref = s.ref
         and (s.present, s.owner_ref, s.lifecycle, s.system_ref) is distinct from (c.present, c.owner_ref, c.lifecycle, c.system_ref)
      returning s.ref, old.present as old_present, old.owner_ref as old_owner, old.lifecycle as old_lifecycle, old.system_ref as old_system,
        s.present, s.owner_ref, s.lifecycle, s.system_ref)
    insert into watch_changes (ref, before, after)
    select ref,
      json_build_object('present', old_present, 'owner_ref', old_owner, 'lifecycle', old_lifecycle, 'system_ref', old_system),
      json_build_object('present', present, 'owner_ref', owner_ref, 'lifecycle', lifecycle, 'system_ref', system_ref)
    from moved
    -- Coming back after a deletion is not one of the changes watchers asked about.
    where not (present and not old_present)`);
  // No longer watched, directly or through its owner: forget it.
  await db.execute(sql`delete from watch_snapshots s where not exists (select 1 from watches w where w.target_ref = s.ref or w.target_ref = s.owner_ref)`);
}

/** Claims up to `limit` changes owed a DM; `timeout` (a Postgres interval) lets a stuck claim be taken over. */
export async function claimWatchChanges(db: Db, me: string, timeout: string, limit = 20): Promise<WatchChangeRow[]> {
  return query<WatchChangeRow>(
    db,
    sql`update watch_changes set claimed_by = ${me}, claimed_at = now(), attempts = attempts + 1
         where id in (
           select id from watch_changes
            where notified_at is null and (claimed_at is null or claimed_at < now() - ${timeout}::interval)
            order by id limit ${limit} for update skip locked)
        returning id, ref, before, after, attempts`,
  );
}

export async function markWatchChangeSent(db: Db, me: string, row: WatchChangeRow): Promise<void> {
  await db.execute(sql`update watch_changes set notified_at = now(), claimed_by = null, claimed_at = null where id = ${row.id} and claimed_by = ${me}`);
}

export async function releaseWatchChange(db: Db, me: string, row: WatchChangeRow): Promise<void> {
  await db.execute(sql`update watch_changes set claimed_by = null, claimed_at = null where id = ${row.id} and claimed_by = ${me}`);
}
