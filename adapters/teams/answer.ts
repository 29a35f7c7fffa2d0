/** Runs one command line for Teams, with metrics, and turns a crash into a reply with a log reference. */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../../src/reply/reply.js';
import { errorReply } from '../../src/reply/reply.js';
import { parseLine } from '../../src/commands/grammar.js';
import type { CommandContext } from '../../src/commands/types.js';
import { metrics } from '../../src/metrics.js';
import type { BotDeps } from './bot-deps.js';

export async function answer(deps: BotDeps, line: string, ctx: CommandContext): Promise<Reply> {
  const name = parseLine(line).name || 'help';
  const stop = metrics.commandDuration.startTimer({ platform: 'teams', command: name });
  try {
    const reply = await deps.runLine(line, ctx);
    metrics.commands.inc({ platform: 'teams', command: name, outcome: reply.isError ? 'error' : 'ok' });
    return reply;
  } catch (error) {
    metrics.commands.inc({ platform: 'teams', command: name, outcome: 'error' });
    const reference = randomUUID().slice(0, 8);
    deps.logger.error({ err: error, reference, line }, 'Teams command failed');
    return errorReply(`Sorry, something went wrong answering that. Reference: ${reference}`);
  } finally {
    stop();
  }
}
