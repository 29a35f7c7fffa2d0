/**
 * Runs a line and records it in the audit log, for faces without an adapter of their own (the local
 * shell, `callsheet ask`). Slack and Teams record in their adapters, where the channel is known.
 */
import { recordAuditSafely } from '../audit/record.js';
import { parseLine } from './grammar.js';
import { outcomeOf, type Reply } from '../reply/reply.js';
import { runLine } from './run.js';
import type { CommandContext } from './types.js';

export async function runLineAudited(line: string, ctx: CommandContext): Promise<Reply> {
  const reply = await runLine(line, ctx);
  const { requester } = ctx;
  await recordAuditSafely(ctx.db, ctx.logger, {
    at: ctx.clock.now(),
    platform: requester.platform,
    actor: requester.externalId ?? requester.displayName ?? requester.platform,
    actorRef: requester.userRef,
    action: 'command',
    target: parseLine(line).name || 'help',
    text: line,
    outcome: outcomeOf(reply),
  });
  return reply;
}
