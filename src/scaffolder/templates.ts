/**
 * Which templates exist, which may run, and for whom. A template runs only when it is a v1beta3
 * Template entity from a trusted source, and, when annotated `callsheet.io/allowed-groups`, only for
 * members of those groups. The decision itself is the trust module's (src/trust/templates.ts), which
 * reads membership from org sources only.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { closest, distance } from 'fastest-levenshtein';
import type { Db } from '../db/client.js';
import { entities, sources } from '../db/schema.js';
import { tryRef } from '../catalog/refs.js';
import type { Requester } from '../reply/requester.js';
import { orgGroupsOf } from '../trust/membership.js';
import { accessTo, TEMPLATE_API_VERSION, type Access } from '../trust/templates.js';

export { TEMPLATE_API_VERSION };
export const ALLOWED_GROUPS_ANNOTATION = 'callsheet.io/allowed-groups';

export interface TemplateRecord {
  ref: string;
  name: string;
  title: string;
  description?: string;
  entity: { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  sourceId: string;
  sourceKind: string | null;
  sourceTarget: string | null;
  trusted: boolean;
  filePath: string;
  /** Canonical group refs from the annotation; empty means everyone. */
  allowedGroups: string[];
}

type Row = { ref: string; name: string; title: string | null; description: string | null; entity: Record<string, unknown>; sourceId: string; filePath: string; sourceKind: string | null; sourceTarget: string | null; trusted: boolean | null };

export function allowedGroupsOf(entity: TemplateRecord['entity']): string[] {
  const raw = entity.metadata.annotations?.[ALLOWED_GROUPS_ANNOTATION];
  if (typeof raw !== 'string') return [];
  const namespace = typeof entity.metadata.namespace === 'string' ? entity.metadata.namespace : 'default';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    // An unparseable entry still restricts: it matches no group rather than opening the template up.
    .map((s) => tryRef(s, { defaultKind: 'Group', defaultNamespace: namespace }) ?? `invalid:${s}`);
}

function toRecord(row: Row): TemplateRecord {
  const entity = row.entity as TemplateRecord['entity'];
  return {
    ref: row.ref,
    name: row.name,
    title: row.title ?? (entity.metadata.title as string | undefined) ?? entity.metadata.name,
    ...(row.description ? { description: row.description } : {}),
    entity,
    sourceId: row.sourceId,
    sourceKind: row.sourceKind,
    sourceTarget: row.sourceTarget,
    trusted: row.trusted === true,
    filePath: row.filePath,
    allowedGroups: allowedGroupsOf(entity),
  };
}

function selectTemplates(db: Db) {
  return db
    .select({
      ref: entities.ref,
      name: entities.name,
      title: entities.title,
      description: entities.description,
      entity: sql<Record<string, unknown>>`coalesce(${entities.definition}, ${entities.entity}::json)`,
      sourceId: entities.sourceId,
      filePath: entities.filePath,
      sourceKind: sources.kind,
      sourceTarget: sources.target,
      trusted: sources.trusted,
    })
    .from(entities)
    .leftJoin(sources, eq(sources.id, entities.sourceId));
}

/** Every Template entity in the catalog, trusted or not, ordered by title. */
export async function allTemplates(db: Db): Promise<TemplateRecord[]> {
  const rows = await selectTemplates(db).where(eq(entities.kind, 'template')).orderBy(sql`coalesce(${entities.title}, ${entities.name})`);
  return rows.map(toRecord);
}

export async function loadTemplate(db: Db, ref: string): Promise<TemplateRecord | undefined> {
  const [row] = await selectTemplates(db).where(and(eq(entities.kind, 'template'), eq(entities.ref, ref.toLowerCase())));
  return row ? toRecord(row) : undefined;
}

/**
 * Groups the user is a direct member of, by org data only (a User or membership declared outside
 * ORG_SOURCES counts for nothing here): the trust module decides.
 */
export const groupsOf = (db: Db, userRef: string | undefined): Promise<Set<string>> => orgGroupsOf(db, userRef);

export { accessTo, type Access };

/** The templates this requester may run. */
export async function runnableTemplates(db: Db, requester: Requester): Promise<TemplateRecord[]> {
  const groups = await groupsOf(db, requester.userRef);
  return (await allTemplates(db)).filter((t) => accessTo(t, requester, groups).ok);
}

export type FoundTemplate =
  | { status: 'ok'; template: TemplateRecord }
  | { status: 'refused'; template: TemplateRecord; message: string }
  | { status: 'not-found'; suggestions: TemplateRecord[] };

function matches(template: TemplateRecord, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return template.ref === w || template.name === w || template.title.toLowerCase() === w || template.ref === tryRef(w, { defaultKind: 'Template' });
}

/** A template named by ref, name or title; refusals say why; misses suggest runnable near names. */
export async function findTemplate(db: Db, wanted: string, requester: Requester): Promise<FoundTemplate> {
  const all = await allTemplates(db);
  const groups = await groupsOf(db, requester.userRef);
  const hits = all.filter((t) => matches(t, wanted.trim()));
  const runnable = hits.find((t) => accessTo(t, requester, groups).ok);
  if (runnable) return { status: 'ok', template: runnable };
  if (hits.length > 0) {
    const access = accessTo(hits[0], requester, groups) as Extract<Access, { ok: false }>;
    return { status: 'refused', template: hits[0], message: access.message };
  }
  const candidates = all.filter((t) => accessTo(t, requester, groups).ok);
  const w = wanted.toLowerCase();
  const near = candidates.filter((t) => distance(t.name, w) <= Math.max(2, Math.floor(w.length / 3)) || t.name.includes(w) || t.title.toLowerCase().includes(w));
  if (near.length === 0 && candidates.length > 0) {
    const best = closest(w, candidates.map((t) => t.name));
    if (distance(best, w) <= Math.max(3, Math.floor(w.length / 2))) near.push(candidates.find((t) => t.name === best)!);
  }
  return { status: 'not-found', suggestions: near.slice(0, 5) };
}

/** A template's files made local for one task, removed by `release` when it has ended. */
export interface LocatedTemplate {
  dir: string;
  release(): Promise<void>;
}

/** Local folder of the template file, for fetch actions (template-locator.ts reads Git and GitHub sources). */
export type TemplateLocator = (template: TemplateRecord) => Promise<string | LocatedTemplate>;

/** The folder and its release, whichever a locator gave. */
export async function locateWith(locate: TemplateLocator, template: TemplateRecord): Promise<LocatedTemplate> {
  const got = await locate(template);
  return typeof got === 'string' ? { dir: got, release: async () => {} } : got;
}

export const localTemplateDir: TemplateLocator = async (template) => {
  const location = template.entity.metadata.annotations?.['backstage.io/managed-by-location'];
  if (typeof location === 'string' && location.startsWith('file:')) {
    const target = location.slice('file:'.length);
    const path = target.startsWith('file://') ? fileURLToPath(target) : target.startsWith('//') ? fileURLToPath(`file:${target}`) : target;
    if (isAbsolute(path)) return dirname(path);
  }
  if (template.sourceKind === 'folder' && template.sourceTarget) return dirname(resolve(template.sourceTarget, template.filePath));
  throw new Error(`cannot read the files of ${template.ref}: it comes from a ${template.sourceKind ?? 'unknown'} source, and only local folders are read for templates`);
};
