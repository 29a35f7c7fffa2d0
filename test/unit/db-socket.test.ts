import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNoDelay } from '../../src/db/socket.js';

const servers: Server[] = [];
const sockets: Socket[] = [];

async function listen(at?: string): Promise<Server> {
  const server = createServer((s) => s.end());
  servers.push(server);
  await new Promise<void>((resolve) => (at ? server.listen(at, resolve) : server.listen(0, '127.0.0.1', resolve)));
  return server;
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

/** Node records setNoDelay on the socket under an internal symbol; nothing public reads it back. */
function noDelayOf(socket: Socket): boolean | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
  return key ? (socket as unknown as Record<symbol, boolean>)[key] : undefined;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('connectNoDelay (postgres.js socket option)', () => {
  it('connects with Nagle off, so a two-segment request does not wait for a delayed ACK', async () => {
    const server = await listen();
    const socket = await connectNoDelay({ host: ['127.0.0.1'], port: [portOf(server)] });
    sockets.push(socket);
    expect(socket.remotePort).toBe(portOf(server));
    expect(noDelayOf(socket)).toBe(true);
  });

  it('tries each host of a multi-host URL in turn', async () => {
    const closed = await listen();
    const closedPort = portOf(closed);
    await new Promise((r) => closed.close(r));
    servers.splice(servers.indexOf(closed), 1);
    const open = await listen();
    const socket = await connectNoDelay({ host: ['127.0.0.1', '127.0.0.1'], port: [closedPort, portOf(open)] });
    sockets.push(socket);
    expect(socket.remotePort).toBe(portOf(open));
  });

  it('fails with the last host’s error when none answers', async () => {
    const closed = await listen();
    const port = portOf(closed);
    await new Promise((r) => closed.close(r));
    servers.splice(servers.indexOf(closed), 1);
    await expect(connectNoDelay({ host: ['127.0.0.1'], port: [port] })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('connects to a Unix socket path when postgres.js parsed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callsheet-sock-'));
    try {
      const path = join(dir, '.s.PGSQL.5432');
      await listen(path);
      const socket = await connectNoDelay({ host: ['ignored'], port: [1], path });
      sockets.push(socket);
      expect(socket.readyState).toBe('open');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the Postgres pool', () => {
  it('connects through connectNoDelay', async () => {
    const { postgresClientOptions } = await import('../../src/db/client.js');
    expect(postgresClientOptions(4).socket).toBe(connectNoDelay);
  });
});
