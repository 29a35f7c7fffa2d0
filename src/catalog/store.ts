/**
 * Writes a source's entities as a diff in one transaction: insert what is new, update what changed
 * (by content hash), delete what the source no longer has, rebuild the relations of what was touched.
 * Entities of files that failed this time (or that the source says are unchanged) are kept as they were.
 * A ref another source holds is a conflict, as is a ref twice in one source (the first claimant keeps it).
 */
import { randomUUID } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { copyRows, textArray } from '../db/copy.js';
import { entities } from '../db/schema.js';
import type { Problem } from '../sync/types.js';
import type { Relation } from './relations.js';
import { columnsOf, definitionOf, kindOfRef } from './columns.js';
import { removeUnseen } from './removals.js';
import { seenInDatabase, seenInMemory } from './seen-refs.js';
import { carryDomains, indexForSearch, mergePendingLists } from './search-index.js';
import { compactSearchTerms } from './search-terms.js';

export { removeSourceEntities } from './removals.js';
export { columnsOf, kindOfRef } from './columns.js';

export interface CatalogRecord {
  ref: string;
  entity: Entity;
  relations: Relation[];
  /** Tree-prefixed path of the file within its source. */
  filePath: string;
  fileUrl?: string;
  fileCommittedAt?: Date;
  contentHash: string;
  /** The entity's uid in the catalog it comes from (Backstage as a source); otherwise a new one is made. */ uid?: string;
}

export interface ApplyInput extends WriterInput {
  records: CatalogRecord[];
}

export interface ApplyResult {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Refs claimed by another source (first one wins) or twice in this source. */
  conflicts: Problem[];
  /** Refs no Location reaches any more, kept and annotated `backstage.io/orphan: 'true'`. */
  orphaned: string[];
  /** [file whose definition was ignored, file of this source that holds the ref]: a change to the second re-reads the first. */
  shadowed: [string, string][];
  /** New entities by kind (lower case), so counters can follow a write without counting the catalog. */
  addedByKind: Record<string, number>;
  /** Whether a User was added, changed or removed: only then can identity claims have changed. */
  usersChanged: boolean;
}



// Records held in memory between reading and writing: one chunk being written, one being filled.
// At 50,000 entities, chunks of 2,000 peaked at 298 MB RSS, 1,000 at 275 MB, 500 at 255 MB, 250 at
// 245 MB but with more round trips than it saves.
const ENTITY_CHUNK = 500;

export interface WriterInput {
  sourceId: string;
  /**
   * Entities from these files are neither updated nor removed (their file failed, or is unchanged).
   * Asked about a record's file only once that file has been read to the end.
   */
  preserve?: (filePath: string) => boolean;
  /**
   * When set, only these (tree-prefixed) files can have changed: every other file is preserved, and
   * removals are looked for in these files alone instead of in everything the source holds.
   */
  onlyFiles?: readonly string[];
  /**
   * Whether this run reached the file. Asked at the end: an entity of a file not reached that came
   * through a Location (its origin is another file) is an orphan, as in Backstage, and is kept,
   * annotated, unless `orphans` is 'delete'. Without it, whatever is not seen is removed.
   */
  reached?: (filePath: string) => boolean;
  orphans?: 'keep' | 'delete';
  now: Date;
}

export interface SnapshotWriter {
  /** Records of one file, in reading order, once the file has been read to the end. */
  add(records: readonly CatalogRecord[]): Promise<void>;
}

interface Stored {
  ref: string;
  source_id: string;
  content_hash: string;
  file_path: string;
  committed_ms: number | null;
}

const ENTITY_COLUMNS = ['ref', 'uid', 'kind', 'namespace', 'name', 'title', 'description', 'owner_ref', 'type', 'lifecycle', 'system_ref', 'tags', 'entity', 'definition', 'source_id', 'file_path', 'file_url', 'content_hash', 'first_seen_at', 'last_changed_at', 'file_committed_at'];
const RELATION_COLUMNS = ['origin_ref', 'source_ref', 'type', 'target_ref'];

function relationRows(records: readonly CatalogRecord[]): Iterable<string[]> {
  return (function* () {
    for (const r of records) for (const rel of r.relations) yield [r.ref, rel.sourceRef, rel.type, rel.targetRef];
  })();
}

/**
 * Writes a source's entities as a diff in one transaction while they are still being read: `work`
 * hands records to the writer file by file, and they go to the database in chunks (COPY for new
 * entities and all relations), so neither the snapshot nor the source's stored rows are ever held
 * in memory at once. Reading and writing overlap: one chunk is written while the next is read.
 */
export async function writeSnapshot<T>(db: Db, input: WriterInput, work: (writer: SnapshotWriter) => Promise<T>): Promise<{ value: T; applied: ApplyResult }> {
  const { sourceId } = input;
  const at = input.now.toISOString();
  const inScope = input.onlyFiles ? new Set(input.onlyFiles) : undefined;
  const preserve = (filePath: string) => (inScope !== undefined && !inScope.has(filePath)) || (input.preserve?.(filePath) ?? false);
  return db.transaction(async (tx) => {
    // Whether the catalog holds anything at all, not whether another source does: `source_id <> $1`
    // has no index to use, and with one source it read every row on each re-sync.
    const [held] = await query<{ mine: boolean; any: boolean }>(tx, sql`select exists(select 1 from entities where source_id = ${sourceId}) as mine, exists(select 1 from entities) as any`);
    const hadEntities = Boolean(held?.mine);
    // Into an empty catalog, every stored row is one this run wrote (and `seen` finds it), so the
    // per-chunk look-up of stored rows can be skipped: at 50,000 entities those look-ups cost
    // Postgres about a second of CPU and the first sync two seconds of wall time.
    const emptyAtStart = !held?.any;
    // What this write adds to the GIN indexes waits in their pending lists and is merged in bulk at
    // the end (migration 0023): a list the size of a whole first sync, not a merge every 4 MB.
    await tx.execute(sql`set local gin_pending_list_limit = '1GB'`);

    const result: ApplyResult = { added: [], updated: [], removed: [], unchanged: 0, conflicts: [], shadowed: [], orphaned: [], addedByKind: {}, usersChanged: false };
    const duplicate = (record: CatalogRecord, holder: string) => {
      result.conflicts.push({ filePath: record.filePath, entityRef: record.ref, message: `${record.ref} is already defined in ${holder}; this definition is ignored` });
      result.shadowed.push([record.filePath, holder]);
    };
    /** Ref -> file that defined it first in this run (seen-refs.ts). */
    const seen = emptyAtStart ? seenInDatabase(tx) : seenInMemory();
    /**
     * Records of a ref this source stores from another file. As in Backstage, the file that claimed
     * a ref first keeps it (whatever the reading order), so these are decided at the end, when it is
     * known whether that file still defines the ref.
     */
    const moved: { record: CatalogRecord; before: Stored }[] = [];
    /** Systems written (ref -> domain): their domains reach their parts at the end (search-index.ts). */
    const systems = new Map<string, string | null>();
    let pending: CatalogRecord[] = [];
    let writing: Promise<void> = Promise.resolve();

    async function stored(refs: string[]): Promise<Map<string, Stored>> {
      if (emptyAtStart) return new Map();
      const rows = await query<Stored>(tx, sql`select ref, source_id, content_hash, file_path, (extract(epoch from file_committed_at) * 1000)::float8 as committed_ms from entities where ref = any(${textArray(refs)}::text[])`);
      return new Map(rows.map((r) => [r.ref, r]));
    }

    async function write(inserts: CatalogRecord[], updates: CatalogRecord[]) {
      if (inserts.length) {
        await copyRows(
          tx,
          'entities',
          ENTITY_COLUMNS,
          inserts.map((r) => {
            const c = columnsOf(r);
            return [r.ref, r.uid ?? randomUUID(), c.kind, c.namespace, c.name, c.title, c.description, c.ownerRef, c.type, c.lifecycle, c.systemRef, c.tags, JSON.stringify(r.entity), definitionOf(r), sourceId, r.filePath, r.fileUrl ?? null, r.contentHash, at, at, r.fileCommittedAt?.toISOString() ?? null];
          }),
        );
        for (const r of inserts) {
          const kind = kindOfRef(r.ref);
          result.addedByKind[kind] = (result.addedByKind[kind] ?? 0) + 1;
          result.added.push(r.ref);
        }
      }
      if (updates.length) {
        const json = JSON.stringify(
          updates.map((r) => ({ ref: r.ref, uid: r.uid ?? null, ...columnsOf(r), entity: r.entity, definition: r.entity.kind === 'Template' ? r.entity : null, file_path: r.filePath, file_url: r.fileUrl ?? null, content_hash: r.contentHash, file_committed_at: r.fileCommittedAt?.toISOString() ?? null })),
        );
        // Only a content change counts as a change; a new commit time alone is tracked separately.
        await tx.execute(sql`update entities e set uid = coalesce(x.uid, e.uid), kind = x.kind, namespace = x.namespace, name = x.name, title = x.title, description = x.description,
            owner_ref = x."ownerRef", type = x.type, lifecycle = x.lifecycle, system_ref = x."systemRef", tags = coalesce(x.tags, '{}'), entity = x.entity, definition = x.definition,
            file_path = x.file_path, file_url = x.file_url, content_hash = x.content_hash, file_committed_at = x.file_committed_at,
            last_changed_at = case when e.content_hash is distinct from x.content_hash then ${at}::timestamptz else e.last_changed_at end
          from json_to_recordset(${json}::json) as x(ref text, uid text, kind text, namespace text, name text, title text, description text, "ownerRef" text, type text, lifecycle text, "systemRef" text, tags text[], entity jsonb, definition json, file_path text, file_url text, content_hash text, file_committed_at timestamptz)
          where e.ref = x.ref`);
        await tx.execute(sql`delete from relations where origin_ref = any(${textArray(updates.map((r) => r.ref))}::text[])`);
        result.updated.push(...updates.map((r) => r.ref));
        if (updates.some((r) => kindOfRef(r.ref) === 'user')) result.usersChanged = true;
      }
      if (result.addedByKind.user) result.usersChanged = true;
      await copyRows(tx, 'relations', RELATION_COLUMNS, relationRows([...inserts, ...updates]));
      // After the relations: an entity's provided and consumed APIs are part of what it is found by.
      await indexForSearch(tx, [...inserts, ...updates], systems);
    }

    function changed(record: CatalogRecord, before: Stored): boolean {
      return before.content_hash !== record.contentHash || before.file_path !== record.filePath || (before.committed_ms === null ? null : Number(before.committed_ms)) !== (record.fileCommittedAt?.getTime() ?? null);
    }

    async function flush(records: CatalogRecord[]) {
      const refs = [...new Set(records.map((r) => r.ref))];
      const before = await stored(refs);
      const first = await seen.earlier(refs);
      const inserts: CatalogRecord[] = [];
      const updates: CatalogRecord[] = [];
      for (const record of records) {
        const earlier = first.get(record.ref);
        if (earlier !== undefined) {
          duplicate(record, earlier);
          continue;
        }
        const row = before.get(record.ref);
        if (row && row.source_id !== sourceId) {
          result.conflicts.push({ filePath: record.filePath, entityRef: record.ref, message: `${record.ref} is already provided by source ${row.source_id}; this definition is ignored` });
          continue;
        }
        if (row && row.file_path !== record.filePath) {
          moved.push({ record, before: row });
          continue;
        }
        seen.add(record.ref, record.filePath);
        if (!row) inserts.push(record);
        // An orphan read again was reached through a Location again, even from outside the files in scope.
        else if (preserve(row.file_path) && !row.content_hash.startsWith('orphan:')) result.unchanged++;
        else if (changed(record, row)) updates.push(record);
        else result.unchanged++;
      }
      await write(inserts, updates);
    }

    const writer: SnapshotWriter = {
      async add(records) {
        pending.push(...records);
        // Reading runs in microtasks while its input is buffered, and the chunk being written needs
        // the event loop to see Postgres's replies: without a turn here each of a chunk's round trips
        // waited for a whole burst of reading (a third of a 50,000-entity first sync).
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (pending.length < ENTITY_CHUNK) return;
        const batch = pending;
        pending = [];
        await writing;
        writing = flush(batch);
        // Awaited before the next chunk and at the end; this only keeps a failure from going unhandled meanwhile.
        writing.catch(() => {});
      },
    };

    let value: T;
    try {
      value = await work(writer);
    } finally {
      await writing.catch(() => {});
    }
    await writing;
    await flush(pending);
    pending = [];

    // Another file takes a ref over only when its claimant no longer defines it: the claimant was read
    // (not kept as it was, e.g. because it failed) and did not define it again.
    const late: CatalogRecord[] = [];
    for (const { record, before } of moved) {
      // An orphan holds its ref for nobody: a file that defines it takes it over.
      // Nothing is moved into an empty catalog (no row stood before), so `all` is there whenever this runs.
      const holder = seen.all?.get(record.ref) ?? (preserve(before.file_path) && !before.content_hash.startsWith('orphan:') ? before.file_path : undefined);
      if (holder !== undefined) duplicate(record, holder);
      else {
        seen.add(record.ref, record.filePath);
        late.push(record);
      }
    }
    await write([], late);
    await carryDomains(tx, systems);

    if (hadEntities && seen.all) {
      Object.assign(result, await removeUnseen(tx, { sourceId, at, seen: seen.all, preserve, ...(inScope ? { inScope } : {}), ...(input.reached ? { reached: input.reached } : {}), ...(input.orphans ? { orphans: input.orphans } : {}) }));
    }
    if (result.removed.some((ref) => kindOfRef(ref) === 'user')) result.usersChanged = true;
    await mergePendingLists(tx);
    // Last, so the lock it takes is held only until the commit that follows.
    if (result.added.length || result.updated.length || result.removed.length) await compactSearchTerms(tx);
    return { value, applied: result };
  });
}

/** Writes a whole snapshot held in memory (tests, seeds, and sources read before writing). */
export async function applySnapshot(db: Db, input: ApplyInput): Promise<ApplyResult> {
  const { records, ...rest } = input;
  const { applied } = await writeSnapshot(db, rest, async (writer) => writer.add(records));
  return applied;
}

/** Refs currently stored (any source). */
export async function countEntities(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(entities);
  return row?.n ?? 0;
}
