/** The server's loopback listener for forwarded CLI commands: its secret, its checks, its wire format. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCommandServer, type LocalCommandServer } from '../../src/http/local-command.js';
import { silentLogger } from '../../src/logger.js';

describe('POST /local/command', () => {
  let server: LocalCommandServer;
  const seen: unknown[] = [];
  const secret = 'local-secret-for-tests';
  beforeAll(async () => {
    server = await startLocalCommandServer({
      secret,
      logger: silentLogger(),
      run: async (request, io) => {
        seen.push(request);
        if (request.command === 'boom') throw new Error('it broke');
        io.out('line one');
        io.err('a warning');
        return 7;
      },
    });
  });
  afterAll(async () => server.close());

  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${secret}` }, path = '/local/command') =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('streams the output as JSON lines and ends with the exit code', async () => {
    const res = await post({ command: 'sync', args: ['--strict'], user: 'ada@example.com' });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([{ out: 'line one' }, { err: 'a warning' }, { exit: 7 }]);
    expect(seen.at(-1)).toEqual({ command: 'sync', args: ['--strict'], user: 'ada@example.com' });
  });

  it('reports a command that throws as its message and exit 1', async () => {
    const lines = (await (await post({ command: 'boom', args: [] })).text()).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ err: 'it broke' }, { exit: 1 }]);
  });

  it('refuses a missing or wrong secret, other paths, and malformed or oversized bodies, running nothing', async () => {
    const before = seen.length;
    expect((await post({ command: 'sync', args: [] }, {})).status).toBe(401);
    expect((await post({ command: 'sync', args: [] }, { authorization: `Bearer ${secret}x` })).status).toBe(401);
    expect((await post({ command: 'sync', args: [] }, { authorization: `Bearer ${secret}` }, '/other')).status).toBe(404);
    expect((await post('not json')).status).toBe(400);
    expect((await post({ command: 'sync', args: 'nope' })).status).toBe(400);
    expect((await post({ command: 'sync', args: ['x'.repeat(300 * 1024)] })).status).toBe(413);
    expect(seen.length).toBe(before);
  });
});
