/**
 * Syncs every configured source into the catalog: claim the source (one replica at a time), take a
 * snapshot, read its trees, write the diff, and record the run, the problems and the source's state.
 */
import type { Entity } from '@backstage/catalog-model';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { removeSourceEntities, writeSnapshot, type ApplyResult, type CatalogRecord } from '../catalog/store.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import { withLease } from '../db/leases.js';
import { entities, sources, syncProblems, syncRuns } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { readTree, type PreviousState } from './read-tree.js';
import { driverFor, type DriverDeps } from './sources/index.js';
import { INCLUDES_STATE_KEY, type Problem, type SourceDriver } from './types.js';

export type SyncConfig = Pick<
  Config,
  'CATALOG_SOURCES' | 'TEMPLATE_SOURCES' | 'CATALOG_ALLOWED_KINDS' | 'DATA_DIR' | 'MAX_FILE_BYTES' | 'MAX_DOCUMENTS_PER_FILE' | 'SYNC_INTERVAL' | 'INSTANCE_ID'
>;

export interface SourceReport {
  sourceId: string;
  kind: SourceDriver['kind'];
  target: string;
  trusted: boolean;
  /** `skipped`: another replica is syncing this source right now. */
  status: 'synced' | 'unchanged' | 'skipped' | 'failed';
  revision?: string;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  problems: Problem[];
  /** Things worth saying that are not problems (e.g. Templates from an untrusted source). */
  notes: string[];
  error?: string;
  durationMs: number;
}

/** A source no longer configured whose entities were removed. */
export interface RemovedSource {
  sourceId: string;
  removed: number;
}

export interface SyncService {
  syncAll(): Promise<SourceReport[]>;
  /**
   * Removes the entities of sources that are neither configured nor registered at run time and that
   * no replica has synced for two SYNC_INTERVALs (during a rolling deploy, replicas still on the old
   * configuration keep syncing them, so they are not removed and re-added back and forth).
   */
  pruneRemovedSources(): Promise<RemovedSource[]>;
  syncSource(id: string, scope?: { trees?: string[] }): Promise<SourceReport>;
  addSource(spec: string, opts?: { trusted?: boolean }): Promise<SourceReport>;
  hasSynced(): Promise<boolean>;
  /** Syncs every SYNC_INTERVAL (the first one after an interval: call syncAll() at start). */
  start(): void;
  /** Stops the schedule and waits for a running sync, which releases its leases. */
  stop(): Promise<void>;
}

export interface SyncServiceDeps {
  db: Db;
  config: SyncConfig;
  logger: Logger;
  clock: Clock;
  /** The `github:<org>` driver and the folder base, when not the defaults. */
  drivers?: Omit<DriverDeps, 'dataDir'>;
}

interface Configured {
  driver: SourceDriver;
  trusted: boolean;
}

const LEASE_TTL_MS = 60_000;

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { db, config, logger, clock } = deps;
  const configured = new Map<string, Configured>();
  const makeDriver = (spec: string) => driverFor(spec, { dataDir: config.DATA_DIR, ...deps.drivers });
  const register = (spec: string, trusted: boolean): Configured => {
    const driver = makeDriver(spec);
    const known = configured.get(driver.id);
    const entry = { driver, trusted: trusted || (known?.trusted ?? false) };
    configured.set(driver.id, entry);
    return entry;
  };
  for (const spec of config.CATALOG_SOURCES) register(spec, false);
  for (const spec of config.TEMPLATE_SOURCES) register(spec, true);

  const limits = { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE };
  const allowedKinds = config.CATALOG_ALLOWED_KINDS.length ? config.CATALOG_ALLOWED_KINDS : undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function emptyReport(source: Configured, status: SourceReport['status']): SourceReport {
    const { driver, trusted } = source;
    return { sourceId: driver.id, kind: driver.kind, target: driver.target, trusted, status, added: 0, updated: 0, removed: 0, unchanged: 0, problems: [], notes: [], durationMs: 0 };
  }

  /** What the source held; with `onlyFiles`, only which of those files held entities (the rest is not asked). */
  async function previousState(sourceId: string, onlyFiles?: string[]): Promise<PreviousState> {
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
  async function ownersOf(sourceId: string, files: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    if (!files.length) return owners;
    const rows = await db
      .select({ filePath: entities.filePath, owner: sql<string | null>`coalesce(${entities.ownerRef}, case when ${entities.kind} = 'group' then ${entities.ref} end)` })
      .from(entities)
      .where(and(eq(entities.sourceId, sourceId), inArray(entities.filePath, files)));
    for (const row of rows) if (row.owner && !owners.has(row.filePath)) owners.set(row.filePath, row.owner);
    return owners;
  }

  async function replaceProblems(sourceId: string, runId: number, problems: Problem[], keep: (filePath: string) => boolean) {
    const owners = await ownersOf(sourceId, [...new Set(problems.map((p) => p.filePath))]);
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

  async function recordMetrics() {
    const kinds = await db.select({ kind: entities.kind, n: sql<number>`count(*)::int` }).from(entities).groupBy(entities.kind);
    metrics.entities.reset();
    for (const k of kinds) metrics.entities.set({ kind: k.kind }, Number(k.n));
    const [open] = await db.select({ n: sql<number>`count(*)::int` }).from(syncProblems);
    metrics.problems.set(Number(open?.n ?? 0));
  }

  async function run(source: Configured, scope?: { trees?: string[] }): Promise<SourceReport> {
    const started = performance.now();
    const { driver, trusted } = source;
    const report = emptyReport(source, 'synced');
    await db
      .insert(sources)
      .values({ id: driver.id, kind: driver.kind, target: driver.target, trusted })
      .onConflictDoUpdate({ target: sources.id, set: { kind: driver.kind, target: driver.target, trusted } });
    const [row] = await db.select().from(sources).where(eq(sources.id, driver.id));
    const [runRow] = await db.insert(syncRuns).values({ sourceId: driver.id, status: 'running', startedAt: clock.now() }).returning({ id: syncRuns.id });
    const runId = runRow!.id;
    const finish = async (status: SourceReport['status'], error?: string) => {
      report.status = status;
      report.durationMs = Math.round(performance.now() - started);
      if (error) report.error = error;
      const now = clock.now();
      await db
        .update(syncRuns)
        .set({ finishedAt: now, status, revision: report.revision ?? null, added: report.added, updated: report.updated, removed: report.removed, unchanged: report.unchanged, problems: report.problems.length, error: error ?? null })
        .where(eq(syncRuns.id, runId));
      await db
        .update(sources)
        .set({ lastSyncedAt: now, lastStatus: status })
        .where(eq(sources.id, driver.id));
      metrics.syncDuration.observe({ source_kind: driver.kind, outcome: status }, report.durationMs / 1000);
      return report;
    };

    let snapshot;
    try {
      snapshot = await driver.snapshot(row?.lastRevision ?? null, row?.state ?? null, scope);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.warn({ source: driver.id, err: message }, 'source could not be read; its entities are kept');
      report.problems = [{ filePath: '', message: `could not read source ${driver.id}: ${message}` }];
      await replaceProblems(driver.id, runId, report.problems, () => false);
      return finish('failed', message);
    }
    if (!snapshot) {
      report.revision = row?.lastRevision ?? undefined;
      return finish('unchanged');
    }
    report.revision = snapshot.revision;

    const problems: Problem[] = [];
    const failed = new Set<string>();
    const read = new Set<string>();
    const includes = { ...((row?.state?.[INCLUDES_STATE_KEY] ?? {}) as Record<string, string[]>) };
    const preserve = (filePath: string) => failed.has(filePath) || (snapshot.preserve?.(filePath) ?? false);
    let applied: ApplyResult;
    try {
      // Before the write transaction: on PGlite nothing outside it may query while it is open.
      const previous = await previousState(driver.id, snapshot.onlyFiles);
      const scope = { sourceId: driver.id, preserve, now: clock.now(), ...(snapshot.onlyFiles ? { onlyFiles: snapshot.onlyFiles } : {}) };
      ({ applied } = await writeSnapshot(db, scope, async (writer) => {
        const onRecords = async (records: CatalogRecord[], fileFailed: boolean) => {
          if (fileFailed) failed.add(records[0]!.filePath);
          if (!trusted) {
            for (const r of records) {
              if (r.entity.kind.toLowerCase() === 'template') {
                report.notes.push(`${r.ref} is in the catalog but not runnable: source ${driver.id} is not trusted (list it in TEMPLATE_SOURCES)`);
              }
            }
          }
          await writer.add(records);
        };
        for (const tree of snapshot.trees) {
          const result = await readTree(tree, { limits, allowedKinds, previous, onRecords });
          problems.push(...result.problems);
          for (const f of result.failedFiles) failed.add(f);
          for (const f of result.filesRead) {
            read.add(f);
            delete includes[f];
          }
          for (const [f, list] of result.includes) includes[f] = list;
        }
      }));
    } finally {
      await snapshot.close?.();
    }

    problems.push(...applied.conflicts);
    report.added = applied.added.length;
    report.updated = applied.updated.length;
    report.removed = applied.removed.length;
    // Entities kept without being read (unchanged files of an incremental sync) count as unchanged too.
    const [held] = await db.select({ n: sql<number>`count(*)::int` }).from(entities).where(eq(entities.sourceId, driver.id));
    report.unchanged = Math.max(applied.unchanged, Number(held?.n ?? 0) - report.added - report.updated);
    report.problems = problems;
    metrics.syncChanges.inc({ change: 'added' }, report.added);
    metrics.syncChanges.inc({ change: 'updated' }, report.updated);
    metrics.syncChanges.inc({ change: 'removed' }, report.removed);

    // Problems of files this run did not look at (unchanged, or outside the scope) still stand.
    const keepProblem = (filePath: string) => filePath !== '' && !read.has(filePath) && (snapshot.preserve?.(filePath) ?? false);
    await replaceProblems(driver.id, runId, problems, keepProblem);
    await db
      .update(sources)
      .set({ lastRevision: snapshot.revision, state: { ...(row?.state ?? {}), ...(snapshot.state ?? {}), [INCLUDES_STATE_KEY]: includes } })
      .where(eq(sources.id, driver.id));
    await recordMetrics().catch((e: unknown) => logger.warn({ err: String(e) }, 'could not update catalog metrics'));
    logger.info(
      { source: driver.id, revision: snapshot.revision, added: report.added, updated: report.updated, removed: report.removed, unchanged: report.unchanged, problems: problems.length },
      'source synced',
    );
    return finish('synced');
  }

  async function claimAndRun(source: Configured, scope?: { trees?: string[] }): Promise<SourceReport> {
    try {
      const outcome = await withLease(db, `sync:${source.driver.id}`, config.INSTANCE_ID, LEASE_TTL_MS, () => run(source, scope));
      return outcome.ran ? outcome.value : emptyReport(source, 'skipped');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.error({ source: source.driver.id, err: message }, 'sync failed');
      metrics.syncDuration.observe({ source_kind: source.driver.kind, outcome: 'failed' }, 0);
      return { ...emptyReport(source, 'failed'), error: message };
    }
  }

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight = Promise.allSettled([inFlight, work]);
    return work;
  }

  async function registered(): Promise<Configured[]> {
    const rows = await db.select().from(sources).where(sql`${sources.state} ->> 'registered' = 'true'`);
    return rows.filter((r) => !configured.has(r.id)).map((r) => ({ driver: makeDriver(r.target), trusted: r.trusted }));
  }

  async function syncAll(): Promise<SourceReport[]> {
    const all = [...configured.values(), ...(await registered())];
    const reports: SourceReport[] = [];
    // In order, so that when two sources define the same entity the first configured one wins.
    for (const source of all) reports.push(await track(claimAndRun(source)));
    await track(pruneRemovedSources()).catch((e: unknown) => logger.error({ err: String(e) }, 'could not remove the entities of unconfigured sources'));
    return reports;
  }

  async function pruneRemovedSources(): Promise<RemovedSource[]> {
    const rows = await db.select({ id: sources.id, state: sources.state, lastSyncedAt: sources.lastSyncedAt }).from(sources);
    const graceMs = 2 * config.SYNC_INTERVAL;
    const now = clock.now().getTime();
    const out: RemovedSource[] = [];
    for (const row of rows) {
      if (configured.has(row.id) || row.state?.registered === true) continue;
      if (row.lastSyncedAt && now - row.lastSyncedAt.getTime() < graceMs) continue;
      // Under the source's own lease, so a replica still syncing it is never undercut mid-write.
      const outcome = await withLease(db, `sync:${row.id}`, config.INSTANCE_ID, LEASE_TTL_MS, async () => {
        const removed = await removeSourceEntities(db, row.id);
        await db.delete(syncProblems).where(eq(syncProblems.sourceId, row.id));
        await db.delete(sources).where(eq(sources.id, row.id));
        return removed.length;
      });
      if (!outcome.ran) continue;
      out.push({ sourceId: row.id, removed: outcome.value });
      metrics.syncChanges.inc({ change: 'removed' }, outcome.value);
      logger.info({ source: row.id, removed: outcome.value }, 'source is no longer configured; its entities were removed');
    }
    if (out.length) await recordMetrics().catch((e: unknown) => logger.warn({ err: String(e) }, 'could not update catalog metrics'));
    return out;
  }

  async function findSource(id: string): Promise<Configured> {
    const known = configured.get(id);
    if (known) return known;
    const [row] = await db.select().from(sources).where(eq(sources.id, id));
    if (!row) throw new Error(`unknown source "${id}"`);
    return { driver: makeDriver(row.target), trusted: row.trusted };
  }

  return {
    syncAll,
    pruneRemovedSources,
    async syncSource(id, scope) {
      return track(claimAndRun(await findSource(id), scope));
    },
    async addSource(spec, opts = {}) {
      const driver = makeDriver(spec);
      const trusted = opts.trusted ?? false;
      await db
        .insert(sources)
        .values({ id: driver.id, kind: driver.kind, target: spec.trim(), trusted, state: { registered: true } })
        .onConflictDoUpdate({ target: sources.id, set: { trusted, state: sql`coalesce(${sources.state}, '{}'::jsonb) || '{"registered": true}'::jsonb` } });
      return track(claimAndRun({ driver, trusted }));
    },
    async hasSynced() {
      const [row] = await db.select({ id: sources.id }).from(sources).where(isNotNull(sources.lastSyncedAt)).limit(1);
      return row !== undefined;
    },
    start() {
      if (timer || stopped) return;
      const tick = () => {
        timer = setTimeout(() => {
          syncAll()
            .catch((e: unknown) => logger.error({ err: String(e) }, 'scheduled sync failed'))
            .finally(() => {
              if (!stopped) tick();
            });
        }, config.SYNC_INTERVAL);
        timer.unref();
      };
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
