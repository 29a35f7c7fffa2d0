/**
 * The end of a source's write: what the source held in the files looked at and no longer has is
 * removed, except orphans (entities no Location reaches any more), which Backstage keeps, annotated.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';
import { removeFromSearch } from './search-index.js';
import { compactSearchTerms } from './search-terms.js';

const CHUNK = 500;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const ORPHAN = 'backstage.io/orphan';

interface Candidate {
  ref: string;
  file_path: string;
  annotations: Record<string, string> | null;
}

/** Not reached now, and reached through a Location before (so that Location no longer names it). */
function isOrphan(row: Candidate, reached: (filePath: string) => boolean): boolean {
  const location = row.annotations?.['backstage.io/managed-by-location'];
  const origin = row.annotations?.['backstage.io/managed-by-origin-location'];
  return !reached(row.file_path) && location !== undefined && origin !== undefined && location !== origin;
}

export interface RemovalInput {
  sourceId: string;
  /** ISO time of this write. */
  at: string;
  /** Refs this run defined. */
  seen: ReadonlyMap<string, string>;
  preserve: (filePath: string) => boolean;
  /** Only these files can have lost entities (incremental syncs). */
  inScope?: ReadonlySet<string>;
  reached?: (filePath: string) => boolean;
  orphans?: 'keep' | 'delete';
}

export async function removeUnseen(tx: Db, input: RemovalInput): Promise<{ removed: string[]; orphaned: string[] }> {
  const { sourceId, at, seen, preserve, inScope } = input;
  const result = { removed: [] as string[], orphaned: [] as string[] };
  const columns = sql`ref, file_path, entity->'metadata'->'annotations' as annotations`;
  const candidates = inScope
    ? await query<Candidate>(tx, sql`select ${columns} from entities where source_id = ${sourceId} and file_path = any(${textArray([...inScope])}::text[])`)
    : await query<Candidate>(tx, sql`select ${columns} from entities where source_id = ${sourceId}`);
  const gone = candidates.filter((row) => !seen.has(row.ref) && !preserve(row.file_path));
  const orphans = input.orphans === 'delete' || !input.reached ? [] : gone.filter((row) => isOrphan(row, input.reached!));
  result.orphaned = orphans.map((row) => row.ref);
  const fresh = orphans.filter((row) => row.annotations?.[ORPHAN] !== 'true').map((row) => row.ref);
  for (const part of chunks(fresh, CHUNK)) {
    // A new hash, so the entity counts as changed (and loses the annotation) once a Location reaches it again.
    await tx.execute(sql`update entities set entity = jsonb_set(entity, array['metadata', 'annotations', ${ORPHAN}], '"true"'::jsonb),
        content_hash = 'orphan:' || content_hash, last_changed_at = ${at}::timestamptz where ref = any(${textArray(part)}::text[])`);
  }
  const orphaned = new Set(result.orphaned);
  result.removed = gone.filter((row) => !orphaned.has(row.ref)).map((row) => row.ref);
  for (const part of chunks(result.removed, CHUNK)) {
    await tx.execute(sql`delete from entities where source_id = ${sourceId} and ref = any(${textArray(part)}::text[])`);
    await tx.execute(sql`delete from relations where origin_ref = any(${textArray(part)}::text[])`);
    await removeFromSearch(tx, part);
  }
  return result;
}

/** Deletes everything a source provided (entities, their relations and search rows); returns the refs removed. */
export async function removeSourceEntities(db: Db, sourceId: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const removed = await query<{ ref: string }>(tx, sql`delete from entities where source_id = ${sourceId} returning ref`);
    for (const part of chunks(removed.map((r) => r.ref), CHUNK)) {
      await tx.execute(sql`delete from relations where origin_ref = any(${textArray(part)}::text[])`);
      await removeFromSearch(tx, part);
    }
    if (removed.length) await compactSearchTerms(tx);
    return removed.map((r) => r.ref);
  });
}
