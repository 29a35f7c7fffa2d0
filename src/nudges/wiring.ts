/** Builds a nudge runner from configuration: the one place `serve` and `callsheet nudge` share. */
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import { parseFallbackChannel } from '../config/nudges.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { DigestSender, MemberDirectory } from './ports.js';
import { createNudgeRunner, type NudgeRunner } from './run.js';

export interface NudgeWiring {
  db: Db;
  config: Config;
  /** Only to evaluate findings at a fixed time (tests); by default the database's clock. */
  clock?: Clock;
  logger: Logger;
  senders: DigestSender[];
  /** Per platform; defaults to the chat identities stored in the database. */
  directories?: MemberDirectory[];
}

export function runnerFromConfig(w: NudgeWiring): NudgeRunner {
  return createNudgeRunner({
    db: w.db,
    clock: w.clock,
    logger: w.logger,
    instanceId: w.config.INSTANCE_ID,
    senders: w.senders,
    directories: w.directories,
    fallback: parseFallbackChannel(w.config.NUDGE_FALLBACK_CHANNEL),
    staleAfterDays: w.config.STALE_AFTER_DAYS,
    heartbeatIntervalMs: w.config.NUDGE_HEARTBEAT,
    heartbeatTimeoutMs: w.config.NUDGE_CLAIM_TIMEOUT,
    retry: { attempts: w.config.NUDGE_RETRY_ATTEMPTS, backoffMs: w.config.NUDGE_RETRY_BACKOFF },
  });
}
