/**
 * The shapes a nudge run is stored in (`nudge_runs`, `nudge_deliveries`), shared by the files that
 * claim, prepare, deliver and resume runs.
 */
import type { Digest } from './digest.js';
import type { Route, SentMessage } from './ports.js';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'undeliverable';

export interface RunOutcome {
  claimed: boolean;
  runId?: number;
  /** Delivery rows this runner finished, by final status. */
  counts: Partial<Record<DeliveryStatus, number>>;
  /** Whether the run is complete (no delivery left pending or sending). */
  done: boolean;
}

export interface StoredMessage extends SentMessage {
  platform: string;
  target: string;
  key: string;
}

export interface StoredRoute {
  routes: Route[];
  undeliverable?: string;
}

export interface DeliveryRow {
  run_id: number;
  team_ref: string;
  route: StoredRoute;
  digest: Digest;
  messages: StoredMessage[] | null;
  /** Claims of this row so far, this one included. */
  attempts: number;
}

/** How a delivery row came to be claimed: which of its routes might already have been posted. */
export type DeliveryMode = 'fresh' | 'orphan' | 'retry';

/** What became of a delivery: a final status, or `pending` again with the delay before its next attempt. */
export interface DeliveryResult {
  status: DeliveryStatus;
  retryInMs?: number;
}

export interface RetryPolicy {
  /** Attempts per delivery on transient errors (5xx, timeouts), the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  backoffMs: number;
}

/** A run this runner holds the claim on. */
export interface ClaimedRun {
  id: number;
  startedAt: Date;
  /** Whether its plan (scores, delivery rows) was already written by an earlier holder. */
  prepared: boolean;
}

/** The key that identifies one message of a run on the platform (attached to it by the sender). */
export function messageKey(runId: number, teamRef: string, route: Route): string {
  return `callsheet-nudge/${runId}/${teamRef}/${route.platform}/${route.target}`;
}

/** Our claim on a run or delivery was taken over by another replica (our heartbeat went stale). */
export class LostClaimError extends Error {
  constructor(runId: number) {
    super(`lost the claim on nudge run ${runId}`);
    this.name = 'LostClaimError';
  }
}
