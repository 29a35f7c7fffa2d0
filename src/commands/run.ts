/**
 * Runs one line of the grammar (or a natural phrasing of one). Unknown commands and missing arguments answer with help; an
 * unexpected failure answers with a short apology and a reference id (logged with the detail).
 */
import { randomUUID } from 'node:crypto';
import { parseLine } from './grammar.js';
import { toGrammar } from './phrase-match.js';
import { allCommands, findCommand } from './registry.js';
import { errorReply, safeLinks, type Reply } from '../reply/reply.js';
import type { CommandContext } from './types.js';

export async function runLine(line: string, ctx: CommandContext): Promise<Reply> {
  // "who owns payments-api?" is `owner payments-api` on every face (phrases.ts).
  const { name, args } = parseLine(toGrammar(line, (n) => Boolean(findCommand(n))));
  const help = findCommand('help')!;
  if (!name) return help.run('', ctx);
  const command = findCommand(name);
  if (!command) {
    const reply = await help.run('', ctx);
    return { ...reply, summary: `Unknown command "${name}".`, sections: [{ text: [`Unknown command "${name}". Here is what I understand:`] }, ...reply.sections], isError: true };
  }
  try {
    // Links come from catalog files and template outputs: only http(s) ones leave the core.
    return safeLinks(await command.run(args, ctx));
  } catch (error) {
    const reference = randomUUID().slice(0, 8);
    ctx.logger.error({ err: error, reference, command: name }, 'command failed');
    return errorReply(`Sorry, something went wrong answering that. Reference: ${reference}`);
  }
}

export { allCommands };
