/**
 * Exactly-once nudge runs across replicas: claims a run by its slot (claims.ts), writes its plan
 * once (prepare.ts), then delivers every team's digest (deliver.ts), resuming the deliveries a dead
 * replica left behind.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { claimNextPending, claimOrphans, claimRun, finishIfComplete, staleSlots, startHeartbeat, type ClaimContext } from './claims.js';
import { createDeliverer } from './deliver.js';
import { createPacer, type Pacer } from './pacer.js';
import type { DigestSender, MemberDirectory } from './ports.js';
import { prepareRun } from './prepare.js';
import { storedIdentityDirectory, type Fallback } from './route.js';
import { LostClaimError, type ClaimedRun, type DeliveryStatus, type RunOutcome } from './run-model.js';

export { messageKey, type DeliveryStatus, type RunOutcome, type StoredMessage, type StoredRoute } from './run-model.js';

export interface NudgeRunnerDeps {
  db: Db;
  clock: Clock;
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
  maxFindingsPerDigest?: number;
}

export interface NudgeRunner {
  /** Claims the run of `slot` (or takes it over when stale) and runs it; `claimed: false` when another replica has it. */
  runSlot(slot: string): Promise<RunOutcome>;
  /** Takes over every unfinished run whose holder stopped heartbeating. */
  resumeStale(): Promise<RunOutcome[]>;
  /** Stops after the delivery in hand; unfinished runs are left for another replica to resume. */
  stop(): void;
}

export function createNudgeRunner(deps: NudgeRunnerDeps): NudgeRunner {
  const { db, logger } = deps;
  // Unique per runner, so a restarted process with the same INSTANCE_ID still sees its predecessor's claims as foreign.
  const me = `${deps.instanceId}#${randomUUID().slice(0, 8)}`;
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 15_000;
  const claims: ClaimContext = { db, logger, me, timeout: `${deps.heartbeatTimeoutMs ?? 120_000} milliseconds` };
  const senders = new Map(deps.senders.map((s) => [s.platform, s]));
  const directories = deps.directories ?? deps.senders.map((s) => storedIdentityDirectory(db, s.platform));
  const pacer = deps.pacer ?? createPacer({ onRateLimited: (platform) => metrics.chatRateLimited.inc({ platform }) });
  const deliver = createDeliverer({ db, clock: deps.clock, logger, me, senders, pacer });
  let stopped = false;
  const heartbeats = new Set<() => void>();

  async function execute(run: ClaimedRun): Promise<RunOutcome> {
    const stopHeartbeat = startHeartbeat(claims, run.id, heartbeatIntervalMs);
    heartbeats.add(stopHeartbeat);
    const counts: RunOutcome['counts'] = {};
    const count = (s: DeliveryStatus) => (counts[s] = (counts[s] ?? 0) + 1);
    try {
      if (!run.prepared) {
        await prepareRun(db, me, run.id, { at: run.startedAt, staleAfterDays: deps.staleAfterDays, directories, fallback: deps.fallback, maxFindingsPerDigest: deps.maxFindingsPerDigest });
      }
      for (const orphan of await claimOrphans(claims, run.id)) {
        if (stopped) break;
        count(await deliver(orphan, true));
      }
      while (!stopped) {
        const row = await claimNextPending(claims, run.id);
        if (!row) break;
        count(await deliver(row, false));
      }
      const done = !stopped && (await finishIfComplete(claims, run.id));
      logger.info({ runId: run.id, counts, done }, 'nudge run finished its part');
      return { claimed: true, runId: run.id, counts, done };
    } catch (error) {
      if (error instanceof LostClaimError) {
        logger.warn({ runId: run.id }, 'another replica took over this nudge run; stopping');
        return { claimed: true, runId: run.id, counts, done: false };
      }
      throw error;
    } finally {
      stopHeartbeat();
      heartbeats.delete(stopHeartbeat);
    }
  }

  return {
    async runSlot(slot) {
      if (stopped) return { claimed: false, counts: {}, done: false };
      const run = await claimRun(claims, slot, deps.clock.now());
      if (!run) return { claimed: false, counts: {}, done: false };
      logger.info({ slot, runId: run.id, resumed: run.prepared }, 'nudge run claimed');
      return execute(run);
    },
    async resumeStale() {
      const outcomes: RunOutcome[] = [];
      for (const slot of await staleSlots(claims)) outcomes.push(await this.runSlot(slot));
      return outcomes;
    },
    stop() {
      stopped = true;
      for (const stopHeartbeat of heartbeats) stopHeartbeat();
      heartbeats.clear();
    },
  };
}
