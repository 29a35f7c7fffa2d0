/**
 * Reads what the rules need in four set-based queries (never one per entity), so a 50,000-entity
 * catalog loads in one pass. Only the annotations and links are taken from the jsonb, not the whole entity.
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import type { CatalogSnapshot, SnapshotEntity, SnapshotProblem, SnapshotRelation, SnapshotSnooze } from './types.js';

const RELATION_TYPES = ['hasMember', 'parentOf', 'dependencyOf', 'apiConsumedBy', 'providesApi'];

interface EntityRow {
  ref: string;
  kind: string;
  name: string;
  title: string | null;
  description: string | null;
  owner_ref: string | null;
  lifecycle: string | null;
  system_ref: string | null;
  techdocs_ref: string | null;
  orphan: string | null;
  links: unknown;
  source_id: string;
  file_path: string;
  file_url: string | null;
  file_committed_at: Date | string | null;
  last_changed_at: Date | string;
  last_reviewed_at: Date | string | null;
}

export function toDate(value: Date | string): Date;
export function toDate(value: Date | string | null): Date | null;
export function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}

function linksOf(value: unknown): SnapshotEntity['links'] {
  if (!Array.isArray(value)) return [];
  return value.filter((l): l is SnapshotEntity['links'][number] => typeof l === 'object' && l !== null);
}

function toEntity(r: EntityRow): SnapshotEntity {
  return {
    ref: r.ref,
    kind: r.kind,
    name: r.name,
    title: r.title,
    description: r.description,
    ownerRef: r.owner_ref,
    lifecycle: r.lifecycle,
    systemRef: r.system_ref,
    annotations: { ...(r.techdocs_ref ? { 'backstage.io/techdocs-ref': r.techdocs_ref } : {}), ...(r.orphan ? { 'backstage.io/orphan': r.orphan } : {}) },
    links: linksOf(r.links),
    sourceId: r.source_id,
    filePath: r.file_path,
    fileUrl: r.file_url,
    fileCommittedAt: toDate(r.file_committed_at),
    lastChangedAt: toDate(r.last_changed_at),
    lastReviewedAt: toDate(r.last_reviewed_at),
  };
}

async function loadEntities(db: Db, where: SQL): Promise<SnapshotEntity[]> {
  const rows = await query<EntityRow>(
    db,
    sql`select ref, kind, name, title, description, owner_ref, lifecycle, system_ref,
               entity->'metadata'->'annotations'->>'backstage.io/techdocs-ref' as techdocs_ref,
               entity->'metadata'->'annotations'->>'backstage.io/orphan' as orphan, entity->'metadata'->'links' as links,
               source_id, file_path, file_url, file_committed_at, last_changed_at, last_reviewed_at
          from entities where ${where}`,
  );
  return rows.map(toEntity);
}

type RelationRow = { source_ref: string; type: string; target_ref: string };
type ProblemRow = { id: number | string; source_id: string; file_path: string; line: number | null; entity_ref: string | null; owner_ref: string | null; message: string };

const toRelation = (r: RelationRow): SnapshotRelation => ({ sourceRef: r.source_ref, type: r.type, targetRef: r.target_ref });
const toProblem = (p: ProblemRow): SnapshotProblem => ({
  id: Number(p.id),
  sourceId: p.source_id,
  filePath: p.file_path,
  line: p.line,
  entityRef: p.entity_ref,
  ownerRef: p.owner_ref,
  message: p.message,
});

const list = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
const anyOf = (column: SQL, values: string[]) => (values.length === 0 ? sql`false` : sql`${column} in (${list(values)})`);

async function loadSnoozes(db: Db, now: Date): Promise<SnapshotSnooze[]> {
  const rows = await query<{ entity_ref: string; rule: string; until: Date | string }>(db, sql`select entity_ref, rule, until from snoozes where until > ${now.toISOString()}::timestamptz`);
  return rows.map((s) => ({ subject: s.entity_ref, rule: s.rule, until: toDate(s.until) }));
}

/** The whole catalog, for a run. */
export async function loadSnapshot(db: Db, now: Date): Promise<CatalogSnapshot> {
  const [entities, relationRows, problemRows, snoozes] = await Promise.all([
    loadEntities(db, sql`true`),
    query<RelationRow>(db, sql`select source_ref, type, target_ref from relations where ${anyOf(sql`type`, RELATION_TYPES)}`),
    query<ProblemRow>(db, sql`select id, source_id, file_path, line, entity_ref, owner_ref, message from sync_problems where owner_ref is not null order by id`),
    loadSnoozes(db, now),
  ]);
  return { entities, relations: relationRows.map(toRelation), problems: problemRows.map(toProblem), snoozes };
}

/**
 * Just what one team's findings need (for `stale <team>` and `score <team>`): what it owns, the
 * group tree, and the entities one or two relations away from what it owns.
 */
export async function loadTeamSnapshot(db: Db, teamRef: string, now: Date): Promise<CatalogSnapshot> {
  const owned = await loadEntities(db, sql`owner_ref = ${teamRef}`);
  const refs = owned.map((e) => e.ref);
  const relations: SnapshotRelation[] = [];
  const groupTree = await query<RelationRow>(db, sql`select source_ref, type, target_ref from relations where type in ('hasMember', 'parentOf')`);
  relations.push(...groupTree.map(toRelation));
  for (let i = 0; i < refs.length; i += 1000) {
    const part = refs.slice(i, i + 1000);
    const near = await query<RelationRow>(db, sql`select source_ref, type, target_ref from relations where ${anyOf(sql`source_ref`, part)} and type in ('dependencyOf', 'apiConsumedBy', 'providesApi')`);
    relations.push(...near.map(toRelation));
    const apis = near.filter((r) => r.type === 'providesApi').map((r) => r.target_ref);
    const consumers = await query<RelationRow>(db, sql`select source_ref, type, target_ref from relations where ${anyOf(sql`source_ref`, apis)} and type = 'apiConsumedBy'`);
    relations.push(...consumers.map(toRelation));
  }
  const mine = new Set(refs);
  const others = [...new Set([teamRef, ...owned.map((e) => e.ownerRef).filter((r): r is string => !!r), ...relations.filter((r) => mine.has(r.sourceRef) || r.type === 'apiConsumedBy').map((r) => r.targetRef)])].filter((r) => !mine.has(r));
  const context: SnapshotEntity[] = [];
  for (let i = 0; i < others.length; i += 1000) context.push(...(await loadEntities(db, anyOf(sql`ref`, others.slice(i, i + 1000)))));
  const groups = await loadEntities(db, sql`kind = 'group'`);
  const byRef = new Map([...groups, ...context, ...owned].map((e) => [e.ref, e]));
  const problems = (await query<ProblemRow>(db, sql`select id, source_id, file_path, line, entity_ref, owner_ref, message from sync_problems where owner_ref = ${teamRef} order by id`)).map(toProblem);
  return { entities: [...byRef.values()], relations, problems, snoozes: await loadSnoozes(db, now) };
}
