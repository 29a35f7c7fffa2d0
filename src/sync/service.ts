/**
 * Syncs every configured source into the catalog: claim the source (one replica at a time), take a
 * snapshot, read its trees, write the diff, and record the run, the problems and the source's state.
 */
import { eq, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import type { AfterWrite } from '../db/embedded-analyze.js';
import type { UrlFileReader } from '../github/url-files.js';
import { claimAndRun as claim, closeOrphanRuns, DEFAULT_LEASE_TTL_MS, leaseExpiresIn } from './claim.js';
import { sources, syncProblems } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { emptyReport, type ConfiguredSource, type RemovedSource, type SourceReport } from './report.js';
import { identityChecks } from './identity-problems.js';
import { runSource, usersUnchanged } from './run-source.js';
import { isGitSpec } from './sources/git.js';
import { orgSourceKeys, parseSourceItem, sourceKey } from '../config/sources.js';
import { driverFor, type DriverDeps } from './sources/index.js';
import { pruneRemovedSources as prune } from './prune-sources.js';
import { RemoteMemory } from './remote-files.js';
import { sourcesReading } from './remote-readers.js';
import type { SourceDriver } from './types.js';
import type { SyncOptions } from './progress.js';

export type SyncConfig = Pick<Config, 'CATALOG_SOURCES' | 'TEMPLATE_SOURCES' | 'CATALOG_ALLOWED_KINDS' | 'DATA_DIR' | 'MAX_FILE_BYTES' | 'MAX_DOCUMENTS_PER_FILE' | 'SYNC_INTERVAL' | 'INSTANCE_ID'> &
  Partial<Pick<Config, 'SYNC_LEASE_TTL' | 'SYNC_LEASE_HEARTBEAT' | 'ORG_SOURCES' | 'CATALOG_ORPHAN_STRATEGY' | 'CALLSHEET_ADMINS'>>;

export type { RemovedSource, SourceReport } from './report.js';

export interface SyncService {
  /** With `skipRecent` (scheduled syncs), sources any replica synced within SYNC_INTERVAL are skipped. */
  syncAll(options?: SyncOptions): Promise<SourceReport[]>;
  /**
   * Removes the entities of sources that are neither configured nor registered at run time and that
   * no replica has synced for two SYNC_INTERVALs (during a rolling deploy, replicas still on the old
   * configuration keep syncing them, so they are not removed and re-added back and forth).
   */
  pruneRemovedSources(): Promise<RemovedSource[]>;
  syncSource(id: string, scope?: { trees?: string[] }): Promise<SourceReport>;
  /** Re-syncs the sources whose url targets or URL placeholders read files of this repository (a push to it). */
  syncReadersOf(at: { host: string; owner: string; repo: string; paths?: readonly string[] }): Promise<SourceReport[]>;
  addSource(spec: string, opts?: { trusted?: boolean }): Promise<SourceReport>;
  hasSynced(): Promise<boolean>;
  /** Ids of the sources of CATALOG_SOURCES and TEMPLATE_SOURCES (for readiness). */
  configuredSources(): string[];
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
  /** Reads url targets and URL placeholders (the configured GitHub's); absent: they are refused. */
  urlFiles?: UrlFileReader;
  /** Told how many entities a sync changed (the embedded database's ANALYZE, src/db/embedded-analyze.ts). */
  afterWrite?: AfterWrite;
}

type Configured = ConfiguredSource;

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { db, config, logger, clock } = deps;
  const configured = new Map<string, Configured>();
  const makeDriver = (spec: string) => driverFor(spec, { dataDir: config.DATA_DIR, ...deps.drivers });
  const makeRegisteredDriver = (spec: string): SourceDriver => {
    const check = deps.checkRegistered;
    if (!check || /^git(hub|lab):/i.test(spec.trim())) return makeDriver(spec);
    const driver = driverFor(spec, { dataDir: config.DATA_DIR, ...deps.drivers, remoteOptions: () => check(spec) });
    if (isGitSpec(spec)) return driver;
    // A folder or anything else is refused by the check itself, before anything is read.
    return { ...driver, snapshot: async (...args: Parameters<SourceDriver["snapshot"]>) => (await check(spec), driver.snapshot(...args)) };
  };
  /** A source from its item: the driver reads the item without `?kinds=`, the rule comes from it. */
  const fromItem = (raw: string, trusted: boolean, org: boolean): Configured => {
    const item = parseSourceItem(raw);
    return { driver: makeDriver(item.spec), trusted, org, rule: item.rule };
  };
  const orgKeys = orgSourceKeys(config);
  /** A source registered at run time: its driver re-checks the remote before each sync. */
  const registeredItem = (raw: string, trusted: boolean): Configured => {
    const item = parseSourceItem(raw);
    return { driver: makeRegisteredDriver(item.spec), trusted, org: false, rule: item.rule, registered: true };
  };
  const register = (spec: string, trusted: boolean): Configured => {
    const entry = fromItem(spec, trusted, orgKeys.has(sourceKey(parseSourceItem(spec).spec)));
    const known = configured.get(entry.driver.id);
    if (known) {
      // Listed twice (catalog and templates): either listing's permissions hold.
      const [a, b] = [known.rule!, entry.rule!];
      entry.trusted ||= known.trusted;
      entry.org ||= known.org;
      entry.rule = { allows: (k) => a.allows(k) || b.allows(k), describe: `${a.describe}; ${b.describe}` };
    }
    configured.set(entry.driver.id, entry);
    return entry;
  };
  for (const spec of config.CATALOG_SOURCES) register(spec, false);
  for (const spec of config.TEMPLATE_SOURCES) register(spec, true);

  const limits = { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE };
  const allowedKinds = config.CATALOG_ALLOWED_KINDS.length ? config.CATALOG_ALLOWED_KINDS : undefined;
  // A registered source's files come from whoever registered it: it never reads other repositories with our credentials.
  const memory = new RemoteMemory();
  const remoteFor = (source: Configured) =>
    source.registered
      ? { memory, unavailable: 'a source registered at run time does not read url targets or URL placeholders (list it in CATALOG_SOURCES to allow them)' }
      : deps.urlFiles
        ? { memory, reader: deps.urlFiles, unavailable: '' }
        : { memory, unavailable: 'url targets and URL placeholders are read through GitHub or GitLab, neither of which is configured (GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY; GITLAB_TOKEN)' };
  let inFlight: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function claimAndRun(source: Configured, scope?: { trees?: string[] }, options?: SyncOptions): Promise<SourceReport> {
    try {
      const onProgress = options?.onProgress;
      const run = () => runSource({ db, logger, clock, limits, orphans: config.CATALOG_ORPHAN_STRATEGY ?? 'keep', remote: remoteFor(source), ...(allowedKinds ? { allowedKinds } : {}), ...(onProgress ? { onProgress } : {}) }, source, scope);
      const report = await claim({ db, logger, clock, config }, source, run, options);
      if (report.status === 'synced') await reportIdentityConflicts(report, source.org ?? false);
      if (report.status === 'synced') await deps.afterWrite?.(report.added + report.updated + report.removed).catch((err: unknown) => logger.warn({ err }, 'could not refresh the planner statistics'));
      return report;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.error({ source: source.driver.id, err: message }, 'sync failed');
      metrics.syncDuration.observe({ source_kind: source.driver.kind, outcome: 'failed' }, 0);
      return { ...emptyReport(source, 'failed'), error: message };
    }
  }

  /** Conflicts can span sources, so they are checked after every run (identityChecks says when recomputed); the run's own Users' are in its report. */
  const identity = identityChecks(db, clock, config.CALLSHEET_ADMINS ?? []);
  async function reportIdentityConflicts(report: SourceReport, org: boolean): Promise<void> {
    try {
      const problems = await identity.check(report.sourceId, org, !usersUnchanged.has(report));
      const own = problems.filter((p) => p.sourceId === report.sourceId);
      for (const p of own) logger.warn({ source: p.sourceId, file: p.filePath, entity: p.entityRef }, p.message);
      report.problems.push(...own.map(({ sourceId: _, ...p }) => p));
    } catch (e) {
      logger.warn({ err: String(e) }, 'could not check identity conflicts');
    }
  }

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight = Promise.allSettled([inFlight, work]);
    return work;
  }

  async function registered(): Promise<Configured[]> {
    const rows = await db.select().from(sources).where(sql`${sources.state} ->> 'registered' = 'true'`);
    return rows
      .filter((r) => !configured.has(r.id))
      .flatMap((r) => {
        try {
          return [registeredItem(r.target, r.trusted)];
        } catch (e) {
          // One bad registration must not stop every other source from syncing.
          logger.warn({ source: r.id, err: String(e) }, 'registered source cannot be read; skipped');
          return [];
        }
      });
  }

  // A source whose lease another run holds is tried again the moment that lease runs out: if its
  // holder died, this replica takes the sync over within SYNC_LEASE_TTL instead of a SYNC_INTERVAL.
  const watching = new Set<string>();
  const wakers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
    });
  function takeOverWhenFree(source: Configured) {
    const id = source.driver.id;
    if (stopped || watching.has(id)) return;
    watching.add(id);
    const ttl = config.SYNC_LEASE_TTL ?? DEFAULT_LEASE_TTL_MS;
    void track(
      (async () => {
        try {
          while (!stopped) {
            const wait = await leaseExpiresIn(db, `sync:${id}`).catch(() => ttl);
            await pause(Math.min(ttl, wait) + 250);
            if (stopped) return;
            // Skips the source if its holder finished it meanwhile (synced recently): no repeat.
            if ((await claimAndRun(source, undefined, { skipRecent: true })).skippedBecause !== 'held') return;
          }
        } finally {
          watching.delete(id);
        }
      })(),
    );
  }

  async function syncAll(options?: SyncOptions): Promise<SourceReport[]> {
    const orphans = await closeOrphanRuns(db).catch(() => 0);
    if (orphans) logger.warn({ runs: orphans }, 'closed sync runs whose replica stopped before it finished');
    const all = [...configured.values(), ...(await registered())];
    const reports: SourceReport[] = [];
    // In order, so that when two sources define the same entity the first configured one wins.
    for (const source of all) {
      const report = await track(claimAndRun(source, undefined, options));
      if (options?.skipRecent && report.skippedBecause === 'held') takeOverWhenFree(source);
      reports.push(report);
    }
    await track(pruneRemovedSources()).catch((e: unknown) => logger.error({ err: String(e) }, 'could not remove the entities of unconfigured sources'));
    return reports;
  }

  async function pruneRemovedSources(): Promise<RemovedSource[]> {
    const out = await prune({ db, config, logger, clock, isConfigured: (id) => configured.has(id) });
    if (out.length) identity.forget();
    return out;
  }

  async function findSource(id: string): Promise<Configured> {
    const known = configured.get(id);
    if (known) return known;
    const [row] = await db.select().from(sources).where(eq(sources.id, id));
    if (!row) throw new Error(`unknown source "${id}"`);
    return row.state?.registered === true ? registeredItem(row.target, row.trusted) : fromItem(row.target, row.trusted, false);
  }

  return {
    syncAll,
    pruneRemovedSources,
    async syncSource(id, scope) {
      return track(claimAndRun(await findSource(id), scope));
    },
    async syncReadersOf(at) {
      const reports: SourceReport[] = [];
      for (const id of await sourcesReading(db, at)) reports.push(await track(claimAndRun(await findSource(id))));
      return reports;
    },
    async addSource(spec, opts = {}) {
      const trusted = opts.trusted ?? false;
      // Registered at run time: catalog data, never a source of people (ORG_SOURCES is configuration).
      const plain = fromItem(spec, trusted, false);
      const source = configured.has(plain.driver.id) ? plain : registeredItem(spec, trusted);
      const driver = source.driver;
      const [before] = await db.select({ id: sources.id }).from(sources).where(eq(sources.id, driver.id));
      await db
        .insert(sources)
        .values({ id: driver.id, kind: driver.kind, target: spec.trim(), trusted, state: { registered: true } })
        .onConflictDoUpdate({ target: sources.id, set: { trusted, state: sql`coalesce(${sources.state}, '{}'::jsonb) || '{"registered": true}'::jsonb` } });
      const report = await track(claimAndRun(source));
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
    configuredSources: () => [...configured.keys()],
    start() {
      if (timer || stopped) return;
      const tick = () => {
        timer = setTimeout(() => {
          syncAll({ skipRecent: true })
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
      for (const wake of [...wakers]) wake();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
