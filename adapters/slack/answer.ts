/**
 * Runs one line of the grammar for a Slack user: who is asking, the core command, the mentions in
 * its answer. Any failure becomes a short apology with a reference id that is also in the log.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseLine } from '../../src/commands/grammar.js';
import { findCommand } from '../../src/commands/registry.js';
import { errorReply, outcomeOf, type Reply } from '../../src/reply/reply.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import { metrics } from '../../src/metrics.js';
import { recordAudit } from './audit.js';
import { resolveMentions, resolveRequester, type IdentityDeps } from './identities.js';

export type RunLine = (line: string, ctx: CommandContext) => Promise<Reply>;

export interface AnswerDeps extends IdentityDeps {
  staleAfterDays: number;
  runLine: RunLine;
  /** BACKSTAGE_URL: answers link to Backstage pages and TechDocs. */
  backstageUrl?: string;
}

export interface SlackUser {
  userId: string;
  teamId?: string;
  name?: string;
}

export interface Answer {
  reply: Reply;
  mentions: Map<string, string>;
  /** The apology for an internal error: never shared in a channel. */
  failed: boolean;
  requester?: Requester;
}

/** A bounded label: a known command's name, never raw user input. */
export function commandLabel(line: string): string {
  return findCommand(parseLine(line).name)?.name ?? 'unknown';
}

export function apology(deps: Pick<IdentityDeps, 'logger'>, error: unknown, details: Record<string, unknown>): Reply {
  const reference = randomUUID().slice(0, 8);
  deps.logger.error({ err: error, reference, ...details }, 'Slack request failed');
  return errorReply(`Sorry, something went wrong on our side. Reference: ${reference}`);
}

/** Where a line came from, for the audit log: a slash command, a button that runs a line, "Share in channel", a mention, a DM, an unfurled link. */
export interface LineOrigin {
  action: 'command' | 'run' | 'share' | 'mention' | 'dm' | 'unfurl';
  channel?: string;
}

/** Runs the line and records it in the audit log (who, where, what was typed, how it ended). */
export async function answerLine(deps: AnswerDeps, line: string, who: SlackUser, origin: LineOrigin = { action: 'command' }): Promise<Answer> {
  const command = commandLabel(line);
  const started = performance.now();
  let outcome: 'ok' | 'error' | 'refused' | 'failed' = 'ok';
  let requester: Answer['requester'];
  try {
    requester = await resolveRequester(deps, who);
    const ctx = { db: deps.db, clock: deps.clock, logger: deps.logger, requester, staleAfterDays: deps.staleAfterDays, ...(deps.backstageUrl ? { backstageUrl: deps.backstageUrl } : {}) };
    const reply = await deps.runLine(line, ctx);
    outcome = outcomeOf(reply);
    const mentions = await resolveMentions(deps, reply);
    return { reply, mentions, failed: false, requester };
  } catch (error) {
    outcome = 'failed';
    return { reply: apology(deps, error, { command, user: who.userId }), mentions: new Map(), failed: true };
  } finally {
    metrics.commands.inc({ platform: 'slack', command, outcome: outcome === 'refused' ? 'error' : outcome });
    metrics.commandDuration.observe({ platform: 'slack', command }, (performance.now() - started) / 1000);
    await recordAudit(deps.db, deps.logger, {
      actor: who.userId,
      actorRef: requester?.userRef,
      action: origin.action,
      target: command,
      channel: origin.channel,
      text: line,
      outcome,
      at: deps.clock.now(),
    });
  }
}
