/**
 * Writes a source's entities as a diff in one transaction: insert what is new, update what changed
 * (by content hash), delete what the source no longer has, rebuild the relations of what was touched.
 * Entities of files that failed this time (or that the source says are unchanged) are kept as they were.
 */
import { randomUUID } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities, relations } from '../db/schema.js';
import type { Problem } from '../sync/types.js';
import type { Relation } from './relations.js';

export interface CatalogRecord {
  ref: string;
  entity: Entity;
  relations: Relation[];
  /** Tree-prefixed path of the file within its source. */
  filePath: string;
  fileUrl?: string;
  fileCommittedAt?: Date;
  contentHash: string;
}

export interface ApplyInput {
  sourceId: string;
  records: CatalogRecord[];
  /** Entities from these files are neither updated nor removed (their file failed, or is unchanged). */
  preserve?: (filePath: string) => boolean;
  now: Date;
}

export interface ApplyResult {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Refs claimed by another source (first one wins) or twice in this source. */
  conflicts: Problem[];
}

const CHUNK = 500;
const ENTITY_CHUNK = 2000;
const RELATION_CHUNK = 20_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Columns derived from an entity, so queries need not dig into jsonb. */
export function columnsOf(record: CatalogRecord) {
  const e = record.entity;
  const spec = (e.spec ?? {}) as Record<string, unknown>;
  const rel = (type: string) => record.relations.find((r) => r.sourceRef === record.ref && r.type === type)?.targetRef ?? null;
  return {
    kind: e.kind.toLowerCase(),
    namespace: (e.metadata.namespace ?? 'default').toLowerCase(),
    name: e.metadata.name.toLowerCase(),
    title: str(e.metadata.title),
    description: str(e.metadata.description),
    ownerRef: rel('ownedBy'),
    type: str(spec.type),
    lifecycle: str(spec.lifecycle),
    systemRef: record.relations.find((r) => r.sourceRef === record.ref && r.type === 'partOf' && r.targetRef.startsWith('system:'))?.targetRef ?? null,
    tags: (e.metadata.tags ?? []).map((t) => String(t)),
  };
}

export async function applySnapshot(db: Db, input: ApplyInput): Promise<ApplyResult> {
  const { sourceId, now } = input;
  const preserve = input.preserve ?? (() => false);
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ ref: entities.ref, sourceId: entities.sourceId, hash: entities.contentHash, filePath: entities.filePath, committed: entities.fileCommittedAt })
      .from(entities)
      .where(eq(entities.sourceId, sourceId));
    const mine = new Map(existing.map((r) => [r.ref, r]));

    // Refs that another source already holds: first one wins.
    const incomingRefs = [...new Set(input.records.map((r) => r.ref))].filter((ref) => !mine.has(ref));
    const foreign = new Map<string, string>();
    for (const part of chunks(incomingRefs)) {
      const rows = await tx.select({ ref: entities.ref, sourceId: entities.sourceId }).from(entities).where(inArray(entities.ref, part));
      for (const row of rows) foreign.set(row.ref, row.sourceId);
    }

    const conflicts: Problem[] = [];
    const seen = new Map<string, CatalogRecord>();
    const inserts: CatalogRecord[] = [];
    const updates: CatalogRecord[] = [];
    let unchanged = 0;
    for (const record of input.records) {
      const earlier = seen.get(record.ref);
      if (earlier) {
        conflicts.push({ filePath: record.filePath, entityRef: record.ref, message: `${record.ref} is already defined in ${earlier.filePath}; this definition is ignored` });
        continue;
      }
      const owner = foreign.get(record.ref);
      if (owner) {
        conflicts.push({ filePath: record.filePath, entityRef: record.ref, message: `${record.ref} is already provided by source ${owner}; this definition is ignored` });
        continue;
      }
      seen.set(record.ref, record);
      const before = mine.get(record.ref);
      if (before && preserve(before.filePath)) {
        unchanged++;
        continue;
      }
      if (!before) inserts.push(record);
      else if (before.hash !== record.contentHash || before.filePath !== record.filePath || (before.committed?.getTime() ?? null) !== (record.fileCommittedAt?.getTime() ?? null)) updates.push(record);
      else unchanged++;
    }
    const removed = existing.filter((row) => !seen.has(row.ref) && !preserve(row.filePath)).map((row) => row.ref);

    // Rows travel as one JSON document per chunk (json_to_recordset): one parameter instead of
    // thousands, the same on postgres.js and PGlite, and no per-row statements.
    const at = now.toISOString();
    const rowJson = (r: CatalogRecord) => ({
      ref: r.ref,
      ...columnsOf(r),
      entity: r.entity,
      file_path: r.filePath,
      file_url: r.fileUrl ?? null,
      content_hash: r.contentHash,
      file_committed_at: r.fileCommittedAt?.toISOString() ?? null,
    });
    const recordset = sql.raw(`x(ref text, uid text, kind text, namespace text, name text, title text, description text, "ownerRef" text, type text, lifecycle text, "systemRef" text, tags text[], entity jsonb, file_path text, file_url text, content_hash text, file_committed_at timestamptz)`);
    for (const part of chunks(inserts, ENTITY_CHUNK)) {
      const json = JSON.stringify(part.map((r) => ({ ...rowJson(r), uid: randomUUID() })));
      await tx.execute(sql`insert into entities (ref, uid, kind, namespace, name, title, description, owner_ref, type, lifecycle, system_ref, tags, entity, source_id, file_path, file_url, content_hash, first_seen_at, last_changed_at, file_committed_at)
        select ref, uid, kind, namespace, name, title, description, "ownerRef", type, lifecycle, "systemRef", coalesce(tags, '{}'), entity, ${sourceId}, file_path, file_url, content_hash, ${at}::timestamptz, ${at}::timestamptz, file_committed_at
        from json_to_recordset(${json}::json) as ${recordset}`);
    }
    for (const part of chunks(updates, ENTITY_CHUNK)) {
      const json = JSON.stringify(part.map(rowJson));
      // Only a content change counts as a change; a new commit time alone is tracked separately.
      await tx.execute(sql`update entities e set kind = x.kind, namespace = x.namespace, name = x.name, title = x.title, description = x.description,
          owner_ref = x."ownerRef", type = x.type, lifecycle = x.lifecycle, system_ref = x."systemRef", tags = coalesce(x.tags, '{}'), entity = x.entity,
          file_path = x.file_path, file_url = x.file_url, content_hash = x.content_hash, file_committed_at = x.file_committed_at,
          last_changed_at = case when e.content_hash is distinct from x.content_hash then ${at}::timestamptz else e.last_changed_at end
        from json_to_recordset(${json}::json) as ${recordset}
        where e.ref = x.ref`);
    }
    for (const part of chunks(removed)) {
      await tx.delete(entities).where(and(eq(entities.sourceId, sourceId), inArray(entities.ref, part)));
    }

    const touched = [...updates.map((r) => r.ref), ...removed];
    for (const part of chunks(touched)) {
      await tx.delete(relations).where(inArray(relations.originRef, part));
    }
    const rels = [...inserts, ...updates].flatMap((r) => r.relations.map((rel) => ({ origin_ref: r.ref, source_ref: rel.sourceRef, type: rel.type, target_ref: rel.targetRef })));
    for (const part of chunks(rels, RELATION_CHUNK)) {
      await tx.execute(sql`insert into relations (origin_ref, source_ref, type, target_ref)
        select origin_ref, source_ref, type, target_ref from json_to_recordset(${JSON.stringify(part)}::json) as x(origin_ref text, source_ref text, type text, target_ref text)
        on conflict do nothing`);
    }
    return { added: inserts.map((r) => r.ref), updated: updates.map((r) => r.ref), removed, unchanged, conflicts };
  });
}

/** Refs currently stored (any source). */
export async function countEntities(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(entities);
  return row?.n ?? 0;
}
