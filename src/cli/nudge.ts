/**
 * `callsheet nudge --dry-run`: every digest a run would send now, where, and why.
 * `callsheet nudge --now [--slot <iso time>]`: one run immediately (written out by the log sender when
 * no chat is configured). Manual runs share one slot per minute of the database's clock, so that
 * overlapping invocations (two cron jobs, a retry) deliver once; `--slot` names the slot instead.
 * `callsheet nudge --status`: the latest runs and the digests that were not delivered, with why.
 */
import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import { loadConfig, type Config } from '../config/index.js';
import { parseFallbackChannel } from '../config/nudges.js';
import { query, type Database, type Db } from '../db/client.js';
import { databaseNow } from '../db/db-clock.js';
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
import { printNudgeStatus } from './nudge-status.js';

export interface NudgeChat {
  senders: DigestSender[];
  directories?: MemberDirectory[];
}

/** Chat delivery for the CLI; the composition root passes the configured platforms' senders. */
export type ChatFactory = (deps: { config: Config; db: Db; logger: Logger; io: CliIo }) => Promise<NudgeChat | undefined>;

const USAGE = 'Usage: callsheet nudge --dry-run | --now [--slot <iso time>] | --status';

type Mode = { kind: 'dry-run' } | { kind: 'status' } | { kind: 'now'; slot?: string } | { kind: 'usage'; problem?: string };

function parseArgs(args: string[]): Mode {
  const flags = args.filter((a) => a.startsWith('--'));
  const modes = flags.filter((a) => ['--dry-run', '--now', '--status'].includes(a));
  if (modes.length !== 1) return { kind: 'usage' };
  const slotAt = args.indexOf('--slot');
  if (slotAt >= 0 && modes[0] !== '--now') return { kind: 'usage', problem: '--slot goes with --now' };
  const rest = args.filter((a, i) => a !== modes[0] && i !== slotAt && i !== slotAt + 1);
  if (rest.length > 0) return { kind: 'usage', problem: `unexpected argument "${rest[0]}"` };
  if (modes[0] === '--dry-run') return { kind: 'dry-run' };
  if (modes[0] === '--status') return { kind: 'status' };
  if (slotAt < 0) return { kind: 'now' };
  const value = args[slotAt + 1];
  const at = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(at)) return { kind: 'usage', problem: `--slot: expected an ISO time such as 2026-06-01T09:00Z, got "${value ?? ''}"` };
  return { kind: 'now', slot: `manual:${new Date(at).toISOString()}` };
}

/** One slot per minute of the database's clock: overlapping invocations claim the same run. */
async function manualSlot(db: Db): Promise<string> {
  return `manual:${(await databaseNow(db)).toISOString().slice(0, 16)}Z`;
}

/** A running server's configuration and database, for a command the local CLI forwarded to it. */
export interface NudgeHost {
  config: Config;
  open(config: Config): Promise<Pick<Database, 'db' | 'close'>>;
}

/** `clock` fixes the time findings are evaluated at (tests); by default the database's clock. */
export function createNudgeCli(chat: ChatFactory = async () => undefined, clock?: Clock, host?: NudgeHost): SubCommand {
  return async (args, io) => {
    const mode = parseArgs(args);
    if (mode.kind === 'usage') {
      if (mode.problem) io.err(mode.problem);
      io.err(USAGE);
      return 2;
    }
    const dryRun = mode.kind === 'dry-run';
    const config = host?.config ?? loadConfig(io.env);
    const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
    const database = await (host?.open ?? openDatabaseFromConfig)(config);
    try {
      const db = database.db;
      if (mode.kind === 'status') {
        await printNudgeStatus(db, io.out);
        return 0;
      }
      const configured = await chat({ config, db, logger, io });
      const senders = configured?.senders.length ? configured.senders : [createLogSender((text) => io.out(text))];
      // Without a platform the log sender stands in for Slack: say so, rather than "none" followed by Slack routes.
      if (!configured?.senders.length) {
        io.err(dryRun
          ? 'No chat platform is configured: the routes below are the ones Slack would take (Group channel annotations, members by slack.com/user-id or a stored identity, NUDGE_FALLBACK_CHANNEL); a run would print the digests instead of posting them.'
          : 'No chat platform is configured: digests are printed instead of posted.');
      }
      if (dryRun) {
        const directories = configured?.directories ?? senders.map((s) => storedIdentityDirectory(db, s.platform));
        const plan = await planRun(db, { at: clock?.now() ?? (await databaseNow(db)), staleAfterDays: config.STALE_AFTER_DAYS, directories, fallback: parseFallbackChannel(config.NUDGE_FALLBACK_CHANNEL) });
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
      const slot = (mode.kind === 'now' && mode.slot) || (await manualSlot(db));
      const outcome = await runner.runSlot(slot);
      await runner.stop();
      if (!outcome.claimed) {
        const [run] = await query<{ id: number | string; status: string; claimed_by: string | null }>(db, sql`select id, status, claimed_by from nudge_runs where slot = ${slot}`);
        io.out(run ? `Nudge run ${Number(run.id)} for ${slot} is ${run.status === 'done' ? 'already done' : `being run by ${run.claimed_by ?? 'another process'}`}; nothing sent.` : `Nudge run for ${slot} was not started.`);
        return 0;
      }
      io.out(`Nudge run ${outcome.runId ?? '?'}: ${Object.entries(outcome.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'no digests'}${outcome.done ? '' : ' (not finished)'}`);
      return outcome.done ? 0 : 1;
    } finally {
      await database.close();
    }
  };
}

export const nudgeCli: SubCommand = createNudgeCli();
