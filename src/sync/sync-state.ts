/**
 * What the sync reads from and writes to the catalog around the write transaction: the source's
 * previous state, its problems (with the owners to tell), and the catalog gauges.
 */
import type { Entity } from '@backstage/catalog-model';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities, syncProblems } from '../db/schema.js';
import { metrics } from '../metrics.js';
import type { PreviousState } from './read-tree.js';
import type { Problem } from './types.js';

/** What the source held; with `onlyFiles`, only which of those files held entities (the rest is not asked). */
export async function previousState(db: Db, sourceId: string, onlyFiles?: string[]): Promise<PreviousState> {
  const files = await db
    .selectDistinct({ filePath: entities.filePath })
    .from(entities)
    .where(onlyFiles ? and(eq(entities.sourceId, sourceId), inArray(entities.filePath, onlyFiles.length ? onlyFiles : [''])) : eq(entities.sourceId, sourceId));
  const held = new Set(files.map((f) => f.filePath));
  const locations = await db
    .select({ filePath: entities.filePath, entity: entities.entity })
    .from(entities)
    .where(and(eq(entities.sourceId, sourceId), eq(entities.kind, 'location')));
  const byFile = new Map<string, Entity[]>();
  for (const l of locations) byFile.set(l.filePath, [...(byFile.get(l.filePath) ?? []), l.entity as unknown as Entity]);
  return { heldEntities: (f) => held.has(f), locationsIn: (f) => byFile.get(f) ?? [] };
}

/** Owner of what each file holds, so the owners of a broken file can be told. */
async function ownersOf(db: Db, sourceId: string, files: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (!files.length) return owners;
  const rows = await db
    .select({ filePath: entities.filePath, owner: sql<string | null>`coalesce(${entities.ownerRef}, case when ${entities.kind} = 'group' then ${entities.ref} end)` })
    .from(entities)
    .where(and(eq(entities.sourceId, sourceId), inArray(entities.filePath, files)));
  for (const row of rows) if (row.owner && !owners.has(row.filePath)) owners.set(row.filePath, row.owner);
  return owners;
}

export async function replaceProblems(db: Db, sourceId: string, runId: number, problems: Problem[], keep: (filePath: string) => boolean) {
  const owners = await ownersOf(db, sourceId, [...new Set(problems.map((p) => p.filePath))]);
  await db.transaction(async (tx) => {
    const old = await tx.select({ id: syncProblems.id, filePath: syncProblems.filePath }).from(syncProblems).where(eq(syncProblems.sourceId, sourceId));
    const drop = old.filter((p) => !keep(p.filePath)).map((p) => p.id);
    for (let i = 0; i < drop.length; i += 1000) await tx.delete(syncProblems).where(inArray(syncProblems.id, drop.slice(i, i + 1000)));
    for (let i = 0; i < problems.length; i += 1000) {
      await tx.insert(syncProblems).values(
        problems.slice(i, i + 1000).map((p) => ({
          sourceId,
          runId,
          filePath: p.filePath,
          line: p.line ?? null,
          entityRef: p.entityRef ?? null,
          ownerRef: owners.get(p.filePath) ?? null,
          message: p.message,
        })),
      );
    }
  });
}

/** The problems recorded for a source by its earlier runs, in file order. */
export async function standingProblems(db: Db, sourceId: string): Promise<Problem[]> {
  const rows = await db
    .select({ filePath: syncProblems.filePath, line: syncProblems.line, entityRef: syncProblems.entityRef, message: syncProblems.message })
    .from(syncProblems)
    .where(eq(syncProblems.sourceId, sourceId))
    .orderBy(syncProblems.filePath, syncProblems.line, syncProblems.id);
  return rows.map((r) => ({ filePath: r.filePath, message: r.message, ...(r.line !== null ? { line: r.line } : {}), ...(r.entityRef !== null ? { entityRef: r.entityRef } : {}) }));
}

/** Entities by kind as last counted (or counted and then followed through this process's writes). */
let byKind: Map<string, number> | undefined;
let countedAt = 0;
/** Other replicas' writes are not followed, so the gauge is recounted at least this often. */
const RECOUNT_MS = 5 * 60_000;

/**
 * Updates the catalog gauges. With the change a write made, the per-kind counts follow it instead of
 * counting the whole catalog (at 500,000 entities a one-file re-sync spent most of its time there).
 */
export async function recordMetrics(db: Db, change?: { addedByKind: Record<string, number>; removed: readonly string[] }) {
  if (change && byKind && Date.now() - countedAt < RECOUNT_MS) {
    for (const [kind, n] of Object.entries(change.addedByKind)) byKind.set(kind, (byKind.get(kind) ?? 0) + n);
    for (const ref of change.removed) {
      const kind = ref.slice(0, ref.indexOf(':')).toLowerCase();
      byKind.set(kind, Math.max(0, (byKind.get(kind) ?? 0) - 1));
    }
  } else {
    const kinds = await db.select({ kind: entities.kind, n: sql<number>`count(*)::int` }).from(entities).groupBy(entities.kind);
    byKind = new Map(kinds.map((k) => [k.kind, Number(k.n)]));
    countedAt = Date.now();
  }
  metrics.entities.reset();
  for (const [kind, n] of byKind) if (n > 0) metrics.entities.set({ kind }, n);
  const [open] = await db.select({ n: sql<number>`count(*)::int` }).from(syncProblems);
  metrics.problems.set(Number(open?.n ?? 0));
}
