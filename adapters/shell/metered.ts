/** Counts and times a shell command line on /metrics exactly as Slack and Teams count theirs. */
import type { Reply } from '../../src/reply/reply.js';
import { parseLine } from '../../src/commands/grammar.js';
import { metrics } from '../../src/metrics.js';

export async function metered(line: string, run: () => Promise<Reply>): Promise<Reply> {
  const command = parseLine(line).name || 'help';
  const stop = metrics.commandDuration.startTimer({ platform: 'shell', command });
  try {
    const reply = await run();
    metrics.commands.inc({ platform: 'shell', command, outcome: reply.isError ? 'error' : 'ok' });
    return reply;
  } catch (error) {
    metrics.commands.inc({ platform: 'shell', command, outcome: 'error' });
    throw error;
  } finally {
    stop();
  }
}
