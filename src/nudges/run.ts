/**
 * Exactly-once nudge runs across replicas: claims a run by its slot (claims.ts), writes its plan
 * once (prepare.ts), then delivers every team's digest (deliver.ts), resuming the deliveries a dead
 * replica left behind and retrying deferred ones (429, transient errors) within the run.
 *
 * Stopping (SIGTERM) lets the delivery in hand finish and be recorded, then releases the run so that
 * another replica takes it over at its next look instead of after the claim timeout.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { isTransientDbError } from '../db/transient.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { claimNextPending, claimOrphans, claimRun, dbRetry, finishIfComplete, msUntil, openWork, releaseRun, staleSlots, startHeartbeat, type ClaimContext } from './claims.js';
import { createDeliverer } from './deliver.js';
import { createPacer, type Pacer } from './pacer.js';
import type { DigestSender, MemberDirectory } from './ports.js';
import { prepareRun } from './prepare.js';
import { reportFailures } from './report.js';
import { storedIdentityDirectory, type Fallback } from './route.js';
import { LostClaimError, type ClaimedRun, type DeliveryResult, type RetryPolicy, type RunOutcome } from './run-model.js';

export { messageKey, type DeliveryStatus, type RunOutcome, type StoredMessage, type StoredRoute } from './run-model.js';

export interface NudgeRunnerDeps {
  db: Db;
  /**
   * The time findings are evaluated at (a test's fixed clock); the database's `now()` when not given.
   * Claims, heartbeats and schedules always compare the database's clock.
   */
  clock?: Clock;
  logger: Logger;
  /** Name of this replica (claims are recorded under it). */
  instanceId: string;
  senders: DigestSender[];
  /** Per platform; defaults to the chat identities stored in the database. */
  directories?: MemberDirectory[];
  fallback?: Fallback;
  staleAfterDays: number;
  pacer?: Pacer;
  heartbeatIntervalMs?: number;
  /** A run (or a `sending` delivery) whose heartbeat is older than this is taken over. */
  heartbeatTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  maxFindingsPerDigest?: number;
  /** Code hosts "Add AGENTS.md" can open requests on (see PlanOptions). */
  agentsMdHosts?: (fileUrl: string) => boolean;
}

export interface NudgeRunner {
  /**
   * Claims the run of `slot` (or takes it over when stale) and runs it; `claimed: false` when another
   * replica has it. With `notBefore`, waits until the database's clock has reached that time.
   */
  runSlot(slot: string, options?: { notBefore?: Date }): Promise<RunOutcome>;
  /** Takes over every unfinished run whose holder stopped heartbeating or released it. */
  resumeStale(): Promise<RunOutcome[]>;
  /** Stops after the delivery in hand and releases unfinished runs; resolves once nothing is in flight. */
  stop(): Promise<void>;
}

/** Consecutive transient database failures a run rides out (each after its statement's own retries). */
const MAX_DB_FAILURES = 5;

export function createNudgeRunner(deps: NudgeRunnerDeps): NudgeRunner {
  const { db, logger } = deps;
  // Unique per runner, so a restarted process with the same INSTANCE_ID still sees its predecessor's claims as foreign.
  const me = `${deps.instanceId}#${randomUUID().slice(0, 8)}`;
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 2_000;
  const timeoutMs = deps.heartbeatTimeoutMs ?? 8_000;
  const claims: ClaimContext = { db, logger, me, timeout: `${timeoutMs} milliseconds` };
  const senders = new Map(deps.senders.map((s) => [s.platform, s]));
  const directories = deps.directories ?? deps.senders.map((s) => storedIdentityDirectory(db, s.platform));
  const pacer = deps.pacer ?? createPacer({ maxChannelWaitMs: 1_000, onRateLimited: (platform) => metrics.chatRateLimited.inc({ platform }) });
  const retry: RetryPolicy = { attempts: deps.retry?.attempts ?? 6, backoffMs: deps.retry?.backoffMs ?? 5_000 };
  const deliver = createDeliverer({ db, logger, me, senders, pacer, retry });
  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();
  const sleepers = new Set<() => void>();

  /** Sleeps `ms`, or less when the runner is stopped. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(10, ms));
      sleepers.add(done);
    });

  async function execute(run: ClaimedRun): Promise<RunOutcome> {
    const stopHeartbeat = startHeartbeat(claims, run.id, heartbeatIntervalMs);
    const counts: RunOutcome['counts'] = {};
    const tally = (r: DeliveryResult) => void (r.status !== 'pending' && (counts[r.status] = (counts[r.status] ?? 0) + 1));
    let done = false;
    let lost = false;
    try {
      if (!run.prepared) {
        const options = { at: run.startedAt, staleAfterDays: deps.staleAfterDays, directories, fallback: deps.fallback, maxFindingsPerDigest: deps.maxFindingsPerDigest, agentsMdHosts: deps.agentsMdHosts };
        await dbRetry(claims, 'prepare run', () => prepareRun(db, me, run.id, options));
      }
      let failures = 0;
      while (!stopped) {
        try {
          const row = await claimNextPending(claims, run.id);
          if (row) {
            tally(await deliver(row, row.attempts > 1 ? 'retry' : 'fresh'));
          } else {
            const orphans = await claimOrphans(claims, run.id);
            for (const orphan of orphans) tally(await deliver(orphan, 'orphan'));
            if (orphans.length === 0) {
              const open = await openWork(claims, run.id);
              if (open.open === 0) break;
              // Deferred deliveries wait for their time; a foreign `sending` row for its holder to finish or go stale.
              await pause(Math.min(open.dueInMs ?? timeoutMs / 2, 5_000));
            }
          }
          failures = 0;
        } catch (error) {
          if (error instanceof LostClaimError || !isTransientDbError(error) || ++failures > MAX_DB_FAILURES) throw error;
          logger.warn({ err: error, runId: run.id, failures }, 'nudge run: database unavailable; carrying on shortly');
          await pause(1_000 * failures);
        }
      }
      done = !stopped && (await finishIfComplete(claims, run.id));
      if (done) await reportFailures({ db, logger, senders, pacer, fallback: deps.fallback }, run.id).catch((err: unknown) => logger.warn({ err, runId: run.id }, 'could not report undelivered digests'));
      logger.info({ runId: run.id, counts, done }, 'nudge run finished its part');
      return { claimed: true, runId: run.id, counts, done };
    } catch (error) {
      if (error instanceof LostClaimError) {
        lost = true;
        logger.warn({ runId: run.id }, 'another replica took over this nudge run; stopping');
        return { claimed: true, runId: run.id, counts, done: false };
      }
      throw error;
    } finally {
      stopHeartbeat();
      if (!done && !lost) {
        await releaseRun(claims, run.id).then(
          () => logger.info({ runId: run.id }, 'nudge run released for another replica'),
          (err: unknown) => logger.warn({ err, runId: run.id }, 'could not release the nudge run; it is taken over once its claim times out'),
        );
      }
    }
  }

  async function runSlot(slot: string, options: { notBefore?: Date } = {}): Promise<RunOutcome> {
    const unclaimed: RunOutcome = { claimed: false, counts: {}, done: false };
    const { notBefore } = options;
    // A replica whose clock runs fast fires early: the slot is claimed once the database's clock says so.
    let ms = notBefore ? await msUntil(claims, notBefore) : 0;
    if (ms > 0) logger.info({ slot, waitMs: Math.round(ms) }, "nudge slot fired early by this replica's clock; waiting for the database clock");
    for (; ms > 0 && !stopped; ms = await msUntil(claims, notBefore!)) await pause(Math.min(ms, 60_000));
    if (stopped) return unclaimed;
    const run = await claimRun(claims, slot, notBefore, deps.clock?.now());
    if (!run) return unclaimed;
    logger.info({ slot, runId: run.id, resumed: run.prepared }, 'nudge run claimed');
    return execute(run);
  }

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  return {
    runSlot: (slot, options) => track(runSlot(slot, options)),
    resumeStale: () =>
      track(
        (async () => {
          const outcomes: RunOutcome[] = [];
          for (const slot of await staleSlots(claims)) if (!stopped) outcomes.push(await runSlot(slot));
          return outcomes;
        })(),
      ),
    async stop() {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled([...inFlight]);
    },
  };
}
