/** `callsheet ask "<command>"`: one command against the stored catalog, synced first if it never was. */
import { renderReplyText } from '../../adapters/shell/render-text.js';
import { systemClock } from '../clock.js';
import { runLineAudited } from '../commands/audited.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logger.js';
import type { CliIo, SubCommand } from './io.js';
import { openRuntime, type Runtime } from './runtime.js';

export const askCli: SubCommand = async (args, io) => {
  const line = args.join(' ').trim();
  if (!line) {
    io.err('Usage: callsheet ask "<command>", e.g. callsheet ask "owner payments-api"');
    return 2;
  }
  // An invalid configuration throws ConfigError: main prints every problem and exits 1.
  const config = loadConfig(io.env);
  // Only warnings and errors: the answer is what goes to stdout.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const runtime = await openRuntime(config, { logger, clock: systemClock });
  try {
    return await runAsk(line, io, runtime);
  } finally {
    await runtime.close();
  }
};

/** The command against an open runtime (this process's, or the server's for a forwarded `ask`). */
export async function runAsk(line: string, io: Pick<CliIo, 'out' | 'err'>, runtime: Pick<Runtime, 'sync' | 'context' | 'localRequester'>, who?: string): Promise<number> {
  if (!(await runtime.sync.hasSynced())) {
    io.err('The catalog was never synced here: syncing first...');
    for (const report of await runtime.sync.syncAll()) {
      if (report.status === 'failed') io.err(`${report.sourceId}: ${report.error ?? 'failed'}`);
    }
  }
  const reply = await runLineAudited(line, runtime.context(await runtime.localRequester('cli', who)));
  io.out(renderReplyText(reply));
  return reply.isError ? 1 : 0;
}
