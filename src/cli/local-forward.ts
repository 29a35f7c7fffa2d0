/**
 * The CLI's side of the embedded database's single owner. A command that finds the PGlite files
 * held by another process sends itself to the `callsheet serve` that holds them (its address is in
 * DATA_DIR/serve.json) and prints that server's output and exit code. When no server answers, it
 * refuses with what to do: it never opens the files a second time.
 */
import { request } from 'node:http';
import { dirname } from 'node:path';
import { PgliteLockedError } from '../db/pglite-lock.js';
import type { CliIo, SubCommand } from './io.js';
import { readServeAddress, type ServeAddress } from './serve-address.js';

/** A server that has the lock but has not written its address yet is given this long to start. */
const SERVER_START_WAIT_MS = 20_000;

type Forwarded = { exit: number } | { unavailable: string };

function send(address: ServeAddress, body: string, io: Pick<CliIo, 'out' | 'err'>): Promise<Forwarded> {
  return new Promise((resolve) => {
    const req = request(`${address.url}/local/command`, { method: 'POST', headers: { authorization: `Bearer ${address.secret}`, 'content-type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve({ unavailable: `the server answered ${res.statusCode}` });
        return;
      }
      let buffer = '';
      let exit: number | undefined;
      const handle = (line: string) => {
        if (!line) return;
        const message = JSON.parse(line) as { out?: string; err?: string; exit?: number };
        if (message.out !== undefined) io.out(message.out);
        if (message.err !== undefined) io.err(message.err);
        if (message.exit !== undefined) exit = message.exit;
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        lines.forEach(handle);
      });
      res.on('end', () => {
        handle(buffer);
        // Output already printed stays printed; a reply cut short is a failure, not a silent 0.
        if (exit === undefined) io.err('The server stopped before the command finished.');
        resolve({ exit: exit ?? 1 });
      });
      res.on('error', () => resolve({ exit: 1 }));
    });
    req.on('error', (error) => resolve({ unavailable: error.message }));
    req.end(body);
  });
}

export function refusal(dataDir: string, locked: PgliteLockedError, why: string): string {
  return [
    `Cannot open the embedded database in ${dataDir}: ${locked.message}.`,
    `No running "callsheet serve" answered for it (${why}), and only one process may open these files at a time.`,
    'What to do: wait for that process to finish and run this again, or stop it; while "callsheet serve" runs on this DATA_DIR,',
    'commands are sent to it automatically. To run several processes side by side, use Postgres (set DATABASE_URL).',
  ].join('\n');
}

export async function forwardToServer(name: string, args: string[], io: CliIo, locked: PgliteLockedError): Promise<number> {
  // The lock is <DATA_DIR>/pglite.lock.
  const dataDir = dirname(locked.lockPath);
  const body = JSON.stringify({ command: name, args, ...(io.env.CALLSHEET_USER ? { user: io.env.CALLSHEET_USER } : {}) });
  const deadline = Date.now() + (locked.holder?.command === 'serve' ? SERVER_START_WAIT_MS : 0);
  let why = `no ${dataDir}/serve.json`;
  for (;;) {
    const address = await readServeAddress(dataDir);
    if (address) {
      const outcome = await send(address, body, io);
      if ('exit' in outcome) return outcome.exit;
      why = outcome.unavailable;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  io.err(refusal(dataDir, locked, why));
  return 1;
}

/** Runs the command here; when another process owns the embedded database, sends it there. */
export function forwardWhenHeld(name: string, command: SubCommand): SubCommand {
  return async (args, io) => {
    try {
      return await command(args, io);
    } catch (error) {
      if (!(error instanceof PgliteLockedError)) throw error;
      return forwardToServer(name, args, io, error);
    }
  };
}
