/**
 * `callsheet nudge --dry-run`: every digest a run would send now, where, and why.
 * `callsheet nudge --now`: one run immediately (written out by the log sender when no chat is configured).
 */
import { systemClock, type Clock } from '../clock.js';
import { loadConfig, type Config } from '../config/index.js';
import { parseFallbackChannel } from '../config/nudges.js';
import type { Db } from '../db/client.js';
import { openDatabaseFromConfig } from '../db/from-config.js';
import { createLogger, type Logger } from '../logger.js';
import { digestToReply } from '../nudges/digest.js';
import { createLogSender } from '../nudges/log-sender.js';
import { planRun } from '../nudges/plan.js';
import type { DigestSender, MemberDirectory } from '../nudges/ports.js';
import { replyText } from '../nudges/reply-text.js';
import { storedIdentityDirectory } from '../nudges/route.js';
import { runnerFromConfig } from '../nudges/wiring.js';
import type { CliIo, SubCommand } from './io.js';

export interface NudgeChat {
  senders: DigestSender[];
  directories?: MemberDirectory[];
}

/** Chat delivery for the CLI; the composition root passes the configured platforms' senders. */
export type ChatFactory = (deps: { config: Config; db: Db; logger: Logger; io: CliIo }) => Promise<NudgeChat | undefined>;

const USAGE = 'Usage: callsheet nudge --dry-run | --now';

export function createNudgeCli(chat: ChatFactory = async () => undefined, clock: Clock = systemClock): SubCommand {
  return async (args, io) => {
    const dryRun = args.includes('--dry-run');
    const now = args.includes('--now');
    if (dryRun === now || args.some((a) => a !== '--dry-run' && a !== '--now')) {
      io.err(USAGE);
      return 2;
    }
    const config = loadConfig(io.env);
    const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
    const database = await openDatabaseFromConfig(config);
    try {
      const db = database.db;
      const configured = await chat({ config, db, logger, io });
      const senders = configured?.senders.length ? configured.senders : [createLogSender((text) => io.out(text))];
      if (!configured?.senders.length) io.err('No chat platform is configured: digests are printed instead of posted.');
      if (dryRun) {
        const directories = configured?.directories ?? senders.map((s) => storedIdentityDirectory(db, s.platform));
        const plan = await planRun(db, { at: clock.now(), staleAfterDays: config.STALE_AFTER_DAYS, directories, fallback: parseFallbackChannel(config.NUDGE_FALLBACK_CHANNEL) });
        for (const { teamRef, digest, plan: route } of plan.digests) {
          io.out(`══ ${teamRef}: ${digest.total} findings`);
          if (route.routes.length === 0) io.out(`   undeliverable: ${route.undeliverable}`);
          for (const r of route.routes) io.out(`   -> ${r.platform} ${r.kind} ${r.target}: ${r.reason}`);
          io.out(replyText(digestToReply(digest)).replace(/^/gm, '   '));
        }
        const undeliverable = plan.digests.filter((d) => d.plan.routes.length === 0).length;
        io.out(`${plan.digests.length} digests (${undeliverable} undeliverable) for ${plan.reports.length} owning teams; nothing was sent.`);
        return 0;
      }
      const runner = runnerFromConfig({ db, config, clock, logger, senders, directories: configured?.directories });
      const outcome = await runner.runSlot(`manual:${clock.now().toISOString()}`);
      runner.stop();
      io.out(`Nudge run ${outcome.runId ?? '?'}: ${Object.entries(outcome.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'no digests'}${outcome.done ? '' : ' (not finished)'}`);
      return outcome.done ? 0 : 1;
    } finally {
      await database.close();
    }
  };
}

export const nudgeCli: SubCommand = createNudgeCli();
