/**
 * The server's side of forwarded CLI commands: while `serve` owns an embedded (PGlite) database,
 * `callsheet sync`/`ask`/`nudge`/`audit` run here, in the server's process, against its open runtime.
 */
import type { Config } from '../config/index.js';
import { startLocalCommandServer, type LocalCommandRunner } from '../http/local-command.js';
import type { Logger } from '../logger.js';
import { runAgentsMd } from './agents-md.js';
import { runAsk } from './ask.js';
import { runAudit } from './audit.js';
import { parseCreateArgs } from './create.js';
import { runCreate } from './create-run.js';
import { nudgeCliWith } from './nudge-chat.js';
import type { Runtime } from './runtime.js';
import { newSecret, removeServeAddress, writeServeAddress } from './serve-address.js';
import { runSync } from './sync.js';

/** The commands that may be forwarded: those that open the database. */
export const FORWARDED_COMMANDS = ['sync', 'ask', 'nudge', 'audit', 'create', 'agents-md'] as const;

/** `worker.wake` starts a forwarded `create`'s task at once instead of at the next poll. */
export function localCommandRunner(runtime: Runtime, worker: { wake(): void } = { wake: () => {} }): LocalCommandRunner {
  const nudge = nudgeCliWith({ config: runtime.config, open: async () => ({ db: runtime.database.db, close: async () => {} }) });
  return async (request, io) => {
    switch (request.command) {
      case 'sync':
        return runSync(request.args, io, runtime.sync);
      case 'ask': {
        const line = request.args.join(' ').trim();
        if (!line) {
          io.err('Usage: callsheet ask "<command>", e.g. callsheet ask "owner payments-api"');
          return 2;
        }
        return runAsk(line, io, runtime, request.user);
      }
      case 'nudge':
        return nudge(request.args, { ...io, env: {} });
      case 'agents-md':
        return runAgentsMd(request.args, io, runtime);
      case 'audit':
        return runAudit(request.args, io, runtime.database.db);
      case 'create': {
        const parsed = await parseCreateArgs(request.args);
        if (!parsed.ok) {
          io.err(parsed.message);
          return 2;
        }
        return runCreate(parsed.args, io, runtime, { drive: async () => worker.wake() }, request.user);
      }
      default:
        io.err(`"${request.command}" cannot be sent to the server; it takes ${FORWARDED_COMMANDS.join(', ')}`);
        return 2;
    }
  };
}

/** Starts the loopback listener and leaves its address in DATA_DIR; close() undoes both. */
export async function startLocalCommands(runtime: Runtime, config: Pick<Config, 'DATA_DIR'>, logger: Logger, worker?: { wake(): void }): Promise<{ close(): Promise<void> }> {
  const secret = newSecret();
  const server = await startLocalCommandServer({ secret, run: localCommandRunner(runtime, worker), logger });
  await writeServeAddress(config.DATA_DIR, { pid: process.pid, url: server.url, secret, startedAt: new Date().toISOString() });
  logger.info({ url: server.url }, 'local CLI commands are sent here (loopback only)');
  return {
    async close() {
      await removeServeAddress(config.DATA_DIR, secret);
      await server.close();
    },
  };
}
