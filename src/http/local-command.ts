/**
 * `POST /local/command`: how one-shot CLI commands (`callsheet sync`, `ask`, `nudge`) reach the
 * running server that owns an embedded database, instead of opening its files a second time.
 * Its own listener, bound to loopback only (never the public HOST), and every request must carry
 * the random secret the server wrote to a 0600 file in DATA_DIR: only the local user who can read
 * that file can run commands. The answer streams as JSON lines: {"out"}/{"err"} text, then {"exit"}.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Logger } from '../logger.js';

export const localCommandRequest = z.object({
  command: z.string().min(1).max(40),
  args: z.array(z.string().max(10_000)).max(100),
  /** The CLI's CALLSHEET_USER, so `ask` answers "my teams" for the person who typed it. */
  user: z.string().max(320).optional(),
});
export type LocalCommandRequest = z.output<typeof localCommandRequest>;

export interface LocalCommandIo {
  out(text: string): void;
  err(text: string): void;
}

export type LocalCommandRunner = (request: LocalCommandRequest, io: LocalCommandIo) => Promise<number>;

export interface LocalCommandServer {
  url: string;
  /** Stops accepting, and waits for commands in flight to finish. */
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(req: IncomingMessage, secret: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(digest(given), digest(secret));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLocalCommandServer(options: { secret: string; run: LocalCommandRunner; logger: Logger }): Promise<LocalCommandServer> {
  const { secret, run, logger } = options;
  const inFlight = new Set<Promise<unknown>>();
  const server = createServer((req, res) => {
    const reply = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
    };
    const remote = req.socket.remoteAddress ?? '';
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) return reply(403, 'local connections only');
    if (req.method !== 'POST' || req.url !== '/local/command') return reply(404, 'not found');
    if (!authorized(req, secret)) return reply(401, 'bad or missing secret');
    const work = (async () => {
      const body = await readBody(req);
      if (body === undefined) return reply(413, 'request too large');
      let request: LocalCommandRequest;
      try {
        request = localCommandRequest.parse(JSON.parse(body));
      } catch {
        return reply(400, 'expected {"command": string, "args": string[], "user"?: string}');
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (line: Record<string, unknown>) => {
        if (!res.destroyed) res.write(`${JSON.stringify(line)}\n`);
      };
      logger.info({ command: request.command }, 'running a command sent by the local CLI');
      let code: number;
      try {
        code = await run(request, { out: (text) => send({ out: text }), err: (text) => send({ err: text }) });
      } catch (error) {
        send({ err: error instanceof Error ? error.message : String(error) });
        code = 1;
      }
      send({ exit: code });
      res.end();
    })().catch((error: unknown) => {
      logger.error({ err: String(error) }, 'local command failed');
      if (!res.headersSent) reply(500, 'internal error');
      else res.end();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  // A sync may take longer than Node's default 5-minute request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      await closed;
    },
  };
}
