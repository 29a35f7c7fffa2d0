/**
 * Syncs every configured source into the catalog: claim the source (one replica at a time), take a
 * snapshot, read its trees, write the diff, and record the run, the problems and the source's state.
 */
import { eq, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { removeSourceEntities } from '../catalog/store.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import { withLease } from '../db/leases.js';
import { sources, syncProblems } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { emptyReport, type ConfiguredSource, type RemovedSource, type SourceReport } from './report.js';
import { runSource } from './run-source.js';
import { isGitSpec } from './sources/git.js';
import { driverFor, type DriverDeps } from './sources/index.js';
import { recordMetrics } from './sync-state.js';
import type { SourceDriver } from './types.js';

export type SyncConfig = Pick<
  Config,
  'CATALOG_SOURCES' | 'TEMPLATE_SOURCES' | 'CATALOG_ALLOWED_KINDS' | 'DATA_DIR' | 'MAX_FILE_BYTES' | 'MAX_DOCUMENTS_PER_FILE' | 'SYNC_INTERVAL' | 'INSTANCE_ID'
>;

export type { RemovedSource, SourceReport } from './report.js';

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
  /**
   * Checks a source registered at run time (not from the configuration) before each sync and
   * returns the `git -c` options that keep its fetch on the checked addresses; throws to refuse it.
   * `github:` sources are read through the configured GitHub's API and are not asked about.
   */
  checkRegistered?: (spec: string) => Promise<string[]>;
}

type Configured = ConfiguredSource;

const LEASE_TTL_MS = 60_000;

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { db, config, logger, clock } = deps;
  const configured = new Map<string, Configured>();
  const makeDriver = (spec: string) => driverFor(spec, { dataDir: config.DATA_DIR, ...deps.drivers });
  const makeRegisteredDriver = (spec: string): SourceDriver => {
    const check = deps.checkRegistered;
    if (!check || /^github:/i.test(spec.trim())) return makeDriver(spec);
    const driver = driverFor(spec, { dataDir: config.DATA_DIR, ...deps.drivers, remoteOptions: () => check(spec) });
    if (isGitSpec(spec)) return driver;
    // A folder or anything else is refused by the check itself, before anything is read.
    return { ...driver, snapshot: async (...args: Parameters<SourceDriver["snapshot"]>) => (await check(spec), driver.snapshot(...args)) };
  };
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

  async function claimAndRun(source: Configured, scope?: { trees?: string[] }): Promise<SourceReport> {
    try {
      const outcome = await withLease(db, `sync:${source.driver.id}`, config.INSTANCE_ID, LEASE_TTL_MS, () => runSource({ db, logger, clock, limits, ...(allowedKinds ? { allowedKinds } : {}) }, source, scope));
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
    return rows.filter((r) => !configured.has(r.id)).map((r) => ({ driver: makeRegisteredDriver(r.target), trusted: r.trusted }));
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
    if (out.length) await recordMetrics(db).catch((e: unknown) => logger.warn({ err: String(e) }, 'could not update catalog metrics'));
    return out;
  }

  async function findSource(id: string): Promise<Configured> {
    const known = configured.get(id);
    if (known) return known;
    const [row] = await db.select().from(sources).where(eq(sources.id, id));
    if (!row) throw new Error(`unknown source "${id}"`);
    return { driver: row.state?.registered === true ? makeRegisteredDriver(row.target) : makeDriver(row.target), trusted: row.trusted };
  }

  return {
    syncAll,
    pruneRemovedSources,
    async syncSource(id, scope) {
      return track(claimAndRun(await findSource(id), scope));
    },
    async addSource(spec, opts = {}) {
      const driver = configured.has(makeDriver(spec).id) ? makeDriver(spec) : makeRegisteredDriver(spec);
      const trusted = opts.trusted ?? false;
      const [before] = await db.select({ id: sources.id }).from(sources).where(eq(sources.id, driver.id));
      await db
        .insert(sources)
        .values({ id: driver.id, kind: driver.kind, target: spec.trim(), trusted, state: { registered: true } })
        .onConflictDoUpdate({ target: sources.id, set: { trusted, state: sql`coalesce(${sources.state}, '{}'::jsonb) || '{"registered": true}'::jsonb` } });
      const report = await track(claimAndRun({ driver, trusted }));
      // A registration that never worked is not kept: it would be retried every interval, forever,
      // failing each time where no one sees it. The requester is told instead (the report).
      if (report.status === 'failed' && !before) {
        await db.delete(syncProblems).where(eq(syncProblems.sourceId, driver.id));
        await db.delete(sources).where(eq(sources.id, driver.id));
      }
      return report;
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
