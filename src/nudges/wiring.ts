/** Builds a nudge runner from configuration: the one place `serve` and `callsheet nudge` share. */
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import { parseFallbackChannel } from '../config/nudges.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { DigestSender, MemberDirectory, RootFileProposer } from './ports.js';
import { createNudgeRunner, type NudgeRunner } from './run.js';
import type { GithubClient } from '../github/client.js';
import { fileOwners } from './problem-file-owners.js';
import { startProblemNotifier } from './problem-notify.js';
import { notifyWatchChanges } from './watch-notify.js';

export interface NudgeWiring {
  db: Db;
  config: Config;
  /** Only to evaluate findings at a fixed time (tests); by default the database's clock. */
  clock?: Clock;
  logger: Logger;
  senders: DigestSender[];
  /** Per platform; defaults to the chat identities stored in the database. */
  directories?: MemberDirectory[];
  /** GitHub clients per organisation, to read CODEOWNERS of `github:` sources. */
  github?: (org: string) => Promise<GithubClient>;
  /** Where "Add AGENTS.md" can open requests; digests offer the button for components there. */
  agentsMd?: Pick<RootFileProposer, 'handles'>;
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
    ...(w.agentsMd ? { agentsMdHosts: (fileUrl: string) => w.agentsMd!.handles(fileUrl) } : {}),
  });
}

/**
 * The catalog-problem (and watch) notifier of `serve`: a pass every fifth of SYNC_INTERVAL (at most a minute),
 * so owners hear of a problem within one sync interval of the sync that found it.
 */
export function problemNotifierFromConfig(w: NudgeWiring): ReturnType<typeof startProblemNotifier> {
  const intervalMs = Math.max(1_000, Math.min(60_000, Math.floor(w.config.SYNC_INTERVAL / 5)));
  // Watchers hear of owner, lifecycle and system changes and deletions in the same pass.
  const watchPass = () => notifyWatchChanges({ db: w.db, logger: w.logger, senders: w.senders, me: w.config.INSTANCE_ID, claimTimeout: '5 minutes' });
  return startProblemNotifier(
    {
      db: w.db,
      logger: w.logger,
      senders: w.senders,
      directories: w.directories,
      fallback: parseFallbackChannel(w.config.NUDGE_FALLBACK_CHANNEL),
      me: w.config.INSTANCE_ID,
      // Not NUDGE_CLAIM_TIMEOUT: these claims are not heartbeated, so a slow send must not look dead.
      claimTimeout: '5 minutes',
      fileOwners: (sourceId, filePath) => fileOwners({ db: w.db, logger: w.logger, dataDir: w.config.DATA_DIR, github: w.github }, sourceId, filePath),
    },
    intervalMs,
    [watchPass],
  );
}
