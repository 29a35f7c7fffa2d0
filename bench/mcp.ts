/**
 * `npm run bench:mcp [-- --entities 50000] [-- --calls 500]`: MCP `tools/call owner` over Streamable
 * HTTP against the real HTTP app and MCP router, on a generated catalog, with the SDK's own Client.
 * Server-side time is measured in the service (from the request reaching the MCP mount to the
 * response finished, audit row included); client time includes the SDK and the loopback. Then a
 * session of 100 mixed calls (owner, find, deps, team, agents_md, validate_entity, list_templates).
 * The Client opens an MCP session (Mcp-Session-Id); the stateless figure posts without one.
 * Uses TEST_DATABASE_URL / DATABASE_URL (a fresh database) or PGlite. Prints os.loadavg beside the
 * figures: other work on the machine shows in them.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Entity } from '@backstage/catalog-model';
import express from 'express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpHttpRouter } from '../adapters/mcp/http.js';
import type { McpDeps } from '../adapters/mcp/deps.js';
import { refOf } from '../src/catalog/refs.js';
import { relationsOf } from '../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../src/catalog/store.js';
import { systemClock } from '../src/clock.js';
import { runLine } from '../src/commands/run.js';
import { createHttpApp, startHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/logger.js';
import { createActionRegistry } from '../src/scaffolder/actions/types.js';
import { createTestDatabase } from '../test/helpers/db.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('entities', 50_000);
const calls = arg('calls', 500);
const TOKEN = 'bench-mcp-token-0123456789abcdef';
const words = ['payments', 'ledger', 'checkout', 'search', 'identity', 'billing', 'orders', 'catalog', 'shipping', 'fraud'];

function record(entity: Entity): CatalogRecord {
  return { ref: refOf(entity), entity, relations: relationsOf(entity), filePath: `gen/${entity.metadata.name}.yaml`, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') };
}

function generate(n: number): { records: CatalogRecord[]; components: string[] } {
  const groups = Math.max(10, Math.floor(n / 100));
  const records: CatalogRecord[] = [];
  for (let g = 0; g < groups; g++) records.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: `team-${g}`, annotations: { 'slack.com/channel-name': `team-${g}` } }, spec: { type: 'team', children: [] } }));
  for (let u = 0; u < n / 20; u++) records.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: `user-${u}` }, spec: { memberOf: [`team-${u % groups}`] } }));
  const components: string[] = [];
  for (let c = 0; records.length < n; c++) {
    const name = `${words[c % words.length]}-svc-${c}`;
    components.push(name);
    records.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, description: `The ${words[c % words.length]} service ${c}` }, spec: { type: 'service', lifecycle: 'production', owner: `team-${c % groups}`, ...(c ? { dependsOn: [`component:${components[c - 1]}`] } : {}) } }));
  }
  return { records, components };
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms (n=${samples.length})`;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const database = await createTestDatabase();
try {
  const { records, components } = generate(total);
  const t0 = performance.now();
  await applySnapshot(database.db, { sourceId: 'bench', records, now: new Date() });
  console.log(`${database.kind}: ${records.length} entities loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; loadavg ${load()}`);

  const logger = silentLogger();
  const deps: McpDeps = {
    db: database.db,
    logger,
    clock: systemClock,
    context: (requester) => ({ db: database.db, clock: systemClock, logger, requester, staleAfterDays: 180 }),
    runLine,
    oncallConfigured: false,
    yamlLimits: { maxBytes: 1024 * 1024, maxDocuments: 100 },
    staleAfterDays: 180,
    runner: { clock: systemClock, logger, actions: createActionRegistry([]) },
    wake: () => {},
  };
  let server: number[] = [];
  let serverCpu: number[] = [];
  const timing = express.Router();
  timing.use('/mcp', (_req, res, next) => {
    const t = performance.now();
    // Calls are sent one at a time, so while one is in the service the client only waits: this
    // process's CPU over the request is the service's, and the machine's load does not change it.
    const cpu = process.cpuUsage();
    res.on('finish', () => {
      server.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      serverCpu.push((used.user + used.system) / 1000);
    });
    next();
  });
  const auth = { tokens: [{ name: 'bench', secret: TOKEN }] };
  const app = createHttpApp({ db: database.db, logger, isReady: () => true, apiAuth: auth, mounts: [{ path: '/', router: timing }, { path: '/', router: mcpHttpRouter(deps, auth) }] });
  const http = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const client = new Client({ name: 'bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${http.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  try {
    const owner = (i: number) => client.callTool({ name: 'owner', arguments: { entity: components[(i * 7919) % components.length]! } });
    // Warm-up: the first few hundred calls still run partly unoptimised code (JIT), measured or not.
    for (let i = 0; i < 300; i++) await owner(i);
    server = [];
    serverCpu = [];
    const clientSide: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const r = await owner(i + 100);
      clientSide.push(performance.now() - t);
      if (r.isError) throw new Error(`owner failed: ${JSON.stringify(r.content)}`);
    }
    console.log(`tools/call owner, server-side: ${percentiles(server)}  (target p99 < 10 ms); loadavg ${load()}`);
    console.log(`tools/call owner, server-side CPU per request: ${percentiles(serverCpu)}`);
    const used = process.cpuUsage(cpu);
    // Client and server share this process: an upper bound on the service's CPU, whatever the load.
    console.log(`tools/call owner, client-side: ${percentiles(clientSide)}; CPU of this process (client + server${database.kind === 'pglite' ? ' + PGlite' : ''}) ${((used.user + used.system) / 1000 / calls).toFixed(2)} ms per call`);

    // The same call without a session (no Mcp-Session-Id, as a bare HTTP client sends it): a pooled server per token.
    server = [];
    serverCpu = [];
    const { LATEST_PROTOCOL_VERSION } = await import('@modelcontextprotocol/sdk/types.js');
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}`, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    for (let i = 0; i < calls; i++) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'owner', arguments: { entity: components[(i * 7919) % components.length]! } } });
      const r = await fetch(`http://127.0.0.1:${http.port}/mcp`, { method: 'POST', headers, body });
      if (r.status !== 200) throw new Error(`stateless owner failed: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }
    console.log(`tools/call owner, stateless (no session), server-side: ${percentiles(server)}, CPU per request ${percentiles(serverCpu)}; loadavg ${load()}`);

    const mixed: Array<(i: number) => Promise<unknown>> = [
      owner,
      (i) => client.callTool({ name: 'find', arguments: { query: words[i % words.length]! } }),
      (i) => client.callTool({ name: 'deps', arguments: { entity: components[(i * 31) % components.length]! } }),
      (i) => client.callTool({ name: 'team', arguments: { team: `team-${i % 10}` } }),
      (i) => client.callTool({ name: 'agents_md', arguments: { entity: components[(i * 17) % components.length]! } }),
      () => client.callTool({ name: 'validate_entity', arguments: { yaml: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n  lifecycle: production\n  owner: team-1\n' } }),
      () => client.callTool({ name: 'list_templates', arguments: {} }),
    ];
    server = [];
    const t1 = performance.now();
    await client.listTools();
    for (let i = 0; i < 100; i++) await mixed[i % mixed.length]!(i);
    const wall = performance.now() - t1;
    console.log(`session of 100 mixed calls (+ tools/list): ${wall.toFixed(0)} ms wall, server-side per request ${percentiles(server)}; loadavg ${load()}`);
  } finally {
    await client.close();
    await http.close();
  }
} finally {
  await database.close();
}
