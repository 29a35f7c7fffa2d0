/**
 * One sync of one source, run under its lease: take a snapshot, read its trees into the write
 * transaction, then record the run, the problems and the source's state.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeSnapshot, type ApplyResult, type CatalogRecord } from '../catalog/store.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { entities, sources, syncRuns } from '../db/schema.js';
import { isTransientDbError } from '../db/transient.js';
import { metrics } from '../metrics.js';
import { edgesOf, locationTargets, LOCATIONS_STATE_KEY } from './dependencies.js';
import { isExternal } from './external.js';
import { readTree } from './read-tree.js';
import { emptyReport, type ConfiguredSource, type SourceReport } from './report.js';
import { previousState, recordMetrics, replaceProblems, standingProblems } from './sync-state.js';
import { INCLUDES_STATE_KEY, type Problem } from './types.js';
import type { YamlLimits } from './yaml.js';
import type { ProgressListener } from './progress.js';
import type { UrlFileReader } from '../github/url-files.js';
import { RemoteMemory, RemoteSession, REMOTE_STATE_KEY, stampsOf } from './remote-files.js';

/** Where a source's state carries how many entities it holds. */
const ENTITY_COUNT_KEY = 'entityCount';

/**
 * Reports of runs that added, changed and removed no User: identity claims are as they were, so the
 * whole-catalog conflict check after the run can be skipped (see service.ts).
 */
export const usersUnchanged = new WeakSet<SourceReport>();

export interface RunDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  limits: YamlLimits;
  /** Kinds allowed (any case); undefined allows every kind. */
  allowedKinds?: readonly string[];
  /** CATALOG_ORPHAN_STRATEGY; 'keep' when absent. */
  orphans?: 'keep' | 'delete';
  onProgress?: ProgressListener;
  /** Files of other repositories (url targets, URL placeholders); absent: every URL is refused. */
  remote?: RemoteSource;
}

export interface RemoteSource {
  reader?: UrlFileReader;
  /** Why URLs are not read when there is no reader. */
  unavailable: string;
  memory: RemoteMemory;
}

const NO_REMOTE = 'url targets and placeholders need GitHub access (GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)';

export async function runSource(deps: RunDeps, source: ConfiguredSource, scope?: { trees?: string[] }): Promise<SourceReport> {
  const { db, logger, clock, limits, allowedKinds } = deps;
  const started = performance.now();
  const { driver, trusted } = source;
  const org = source.org ?? false;
  const report = emptyReport(source, 'synced');
  await db
    .insert(sources)
    .values({ id: driver.id, kind: driver.kind, target: driver.target, trusted, org })
    .onConflictDoUpdate({ target: sources.id, set: { kind: driver.kind, target: driver.target, trusted, org } });
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

  /** Nothing this run wrote was kept (the transaction rolled back): say so, and keep what stood before. */
  const failedPartWay = async (e: unknown) => {
    // A dropped connection is retried whole by the caller under the same lease (the transaction rolled back).
    if (isTransientDbError(e)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    logger.warn({ source: driver.id, err: message }, 'sync failed part-way; nothing was changed');
    Object.assign(report, { added: 0, updated: 0, removed: 0, unchanged: 0, notes: [] });
    report.problems = [{ filePath: '', message: `sync of ${driver.id} failed part-way, so nothing was changed or deleted: ${message}` }];
    try {
      await replaceProblems(db, driver.id, runId, report.problems, (f) => f !== '');
      return await finish('failed', message);
    } catch (recording) {
      logger.warn({ source: driver.id, err: String(recording) }, 'could not record the failed sync');
      return { ...report, status: 'failed' as const, error: message };
    }
  };

  // A run that throws is recorded as failed, so its row is not left `running` (a retry starts a
  // new row; should even this write fail, the next run under the lease closes it as interrupted).
  const body = async (): Promise<SourceReport> => {
    const remote = deps.remote ?? { unavailable: NO_REMOTE, memory: new RemoteMemory() };
    const session = new RemoteSession(remote.reader, remote.unavailable, remote.memory, stampsOf(row?.state));
    let snapshot;
    try {
      // Files of other repositories changed since they were read: read them (and what names them) again.
      const reread = row?.lastRevision ? await session.changed() : [];
      snapshot = await driver.snapshot(row?.lastRevision ?? null, row?.state ?? null, reread.length ? { ...scope, reread } : scope);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.warn({ source: driver.id, err: message }, 'source could not be read; its entities are kept');
      report.problems = [{ filePath: '', message: `could not read source ${driver.id}: ${message}` }];
      // The problems of its files still stand: nothing about them is known now.
      await replaceProblems(db, driver.id, runId, report.problems, (f) => f !== '');
      return finish('failed', message);
    }
    if (!snapshot) {
      report.revision = row?.lastRevision ?? undefined;
      // Nothing was re-read, but what was wrong at this revision still is: report it, so
      // `sync --strict` and the run's problem count reflect the catalog as it stands.
      report.problems = await standingProblems(db, driver.id);
      return finish('unchanged');
    }
    report.revision = snapshot.revision;

    const problems: Problem[] = [];
    const failed = new Set<string>();
    const read = new Set<string>();
    const includes = { ...((row?.state?.[INCLUDES_STATE_KEY] ?? {}) as Record<string, string[]>) };
    const locations = { ...edgesOf(row?.state) };
    const named = new Map<string, string[]>();
    const preserve = (filePath: string) => failed.has(filePath) || (snapshot.preserve?.(filePath) ?? false);
    let applied: ApplyResult;
    const progress = { sourceId: driver.id, filesRead: 0, entitiesWritten: 0 };
    try {
      // Before the write transaction: on PGlite nothing outside it may query while it is open.
      const previous = await previousState(db, driver.id, snapshot.onlyFiles);
      const scope = { sourceId: driver.id, preserve, now: clock.now(), reached: (f: string) => read.has(f), orphans: deps.orphans ?? 'keep', ...(snapshot.onlyFiles ? { onlyFiles: snapshot.onlyFiles } : {}) };
      ({ applied } = await writeSnapshot(db, scope, async (writer) => {
        let treeName = '';
        const onRecords = async (records: CatalogRecord[], fileFailed: boolean) => {
          if (fileFailed) failed.add(records[0]!.filePath);
          const targets = locationTargets(records, treeName);
          if (targets.length) named.set(records[0]!.filePath, targets);
          if (!trusted) {
            for (const r of records) {
              if (r.entity.kind.toLowerCase() === 'template') {
                report.notes.push(`${r.ref} is in the catalog but not runnable: source ${driver.id} is not trusted (list it in TEMPLATE_SOURCES)`);
              }
            }
          }
          await writer.add(records);
          progress.filesRead++;
          progress.entitiesWritten += records.length;
          deps.onProgress?.({ ...progress });
        };
        for (const tree of snapshot.trees) {
          treeName = tree.name;
          const result = await readTree(tree, { limits, allowedKinds, ...(source.rule ? { kindRule: source.rule } : {}), previous, onRecords, remote: session.view(tree.name) });
          problems.push(...result.problems);
          for (const f of result.failedFiles) failed.add(f);
          for (const f of result.filesRead) {
            read.add(f);
            delete includes[f];
          }
          for (const [f, list] of result.includes) includes[f] = list;
        }
        if (isExternal(snapshot)) {
          // Entities from another catalog (Backstage as a source): ready-made, one "file" per entity.
          const result = await snapshot.readRecords({ ...(allowedKinds ? { allowedKinds } : {}), ...(source.rule ? { kindRule: source.rule } : {}), onRecords });
          problems.push(...result.problems);
          for (const f of result.failedFiles) failed.add(f);
          for (const f of result.filesRead) read.add(f);
        }
        // Inside the transaction: a listing found incomplete rolls back everything this run wrote.
        await snapshot.verify?.();
      }));
    } catch (e) {
      return failedPartWay(e);
    } finally {
      await snapshot.close?.();
    }

    // A failed file's Locations are still followed (from what it held before), so their links stay too.
    for (const f of read) if (!failed.has(f)) delete locations[f];
    // A failed file's new targets are linked too: a change to one of them may be what fixes it.
    for (const [f, targets] of named) locations[f] = failed.has(f) ? [...new Set([...(locations[f] ?? []), ...targets])] : targets;
    problems.push(...applied.conflicts);
    // A file whose definition lost to another file's is read again when that file changes (it may drop the ref).
    for (const [loser, holder] of applied.shadowed) if (read.has(loser)) includes[loser] = [...new Set([...(includes[loser] ?? []), holder])];
    report.added = applied.added.length;
    report.updated = applied.updated.length;
    report.removed = applied.removed.length;
    if (applied.orphaned.length) report.notes.push(`${applied.orphaned.length} entities are orphans (no Location names their file any more), kept and annotated backstage.io/orphan; CATALOG_ORPHAN_STRATEGY=delete removes them`);
    // Entities kept without being read (unchanged files of an incremental sync) count as unchanged too.
    // The source's count is carried in its state (only its own syncs add or remove its entities), so a
    // one-file re-sync does not count half a million rows; a state without it is counted once.
    const carried = row?.state?.[ENTITY_COUNT_KEY];
    const heldNow =
      typeof carried === 'number'
        ? carried + report.added - report.removed
        : Number((await db.select({ n: sql<number>`count(*)::int` }).from(entities).where(eq(entities.sourceId, driver.id)))[0]?.n ?? 0);
    report.unchanged = Math.max(applied.unchanged, heldNow - report.added - report.updated);
    if (!applied.usersChanged) usersUnchanged.add(report);
    report.problems = problems;
    metrics.syncChanges.inc({ change: 'added' }, report.added);
    metrics.syncChanges.inc({ change: 'updated' }, report.updated);
    metrics.syncChanges.inc({ change: 'removed' }, report.removed);

    // Problems of files this run did not look at (unchanged, or outside the scope) still stand.
    const keepProblem = (filePath: string) => filePath !== '' && !read.has(filePath) && (snapshot.preserve?.(filePath) ?? false);
    await replaceProblems(db, driver.id, runId, problems, keepProblem);
    // Stamps of remote files something still names: what the next sync checks.
    const stillNamed = new Set([...Object.values(locations), ...Object.values(includes)].flat());
    const stamps = session.stamps((key) => stillNamed.has(key));
    await db
      .update(sources)
      .set({ lastRevision: snapshot.revision, state: { ...(row?.state ?? {}), ...(snapshot.state ?? {}), [INCLUDES_STATE_KEY]: includes, [LOCATIONS_STATE_KEY]: locations, [ENTITY_COUNT_KEY]: heldNow, [REMOTE_STATE_KEY]: stamps } })
      .where(eq(sources.id, driver.id));
    await recordMetrics(db, { addedByKind: applied.addedByKind, removed: applied.removed }).catch((e: unknown) => logger.warn({ err: String(e) }, 'could not update catalog metrics'));
    logger.info(
      { source: driver.id, revision: snapshot.revision, added: report.added, updated: report.updated, removed: report.removed, unchanged: report.unchanged, problems: problems.length },
      'source synced',
    );
    return finish('synced');
  };
  try {
    return await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await db
      .update(syncRuns)
      .set({ finishedAt: clock.now(), status: 'failed', error: message })
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'running')))
      .catch(() => {});
    throw e;
  }
}
