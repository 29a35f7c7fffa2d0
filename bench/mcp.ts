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
import { Worker } from 'node:worker_threads';
import type { Entity } from '@backstage/catalog-model';
import express from 'express';
import { mcpHttpRouter } from '../adapters/mcp/http.js';
import type { McpDeps } from '../adapters/mcp/deps.js';
import { refOf } from '../src/catalog/refs.js';
import { relationsOf } from '../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../src/catalog/store.js';
import { systemClock } from '../src/clock.js';
import { runLine } from '../src/commands/run.js';
import { createAuditBatcher } from '../src/http/api-audit.js';
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
  // The generated catalog is the bench's, not the service's: let it go, so the service's collections
  // do not walk it.
  records.length = 0;

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
    // As serve mounts /mcp: read-only calls' audit rows written in batches.
    auditBatch: createAuditBatcher(database.db, logger),
  };
  let server: number[] = [];
  let serverCpu: number[] = [];
  const timing = express.Router();
  timing.use('/mcp', (_req, res, next) => {
    const t = performance.now();
    // Calls are sent one at a time, so this thread's CPU over a request is the service's, whatever the
    // machine's load. This thread's CPU (the client runs in a worker thread; Node 22 has no per-thread figure, so
    // there it is the process's, client included).
    const cpuOf = () => (process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage());
    const cpu = cpuOf();
    res.on('finish', () => {
      server.push(performance.now() - t);
      const now = cpuOf();
      const used = { user: now.user - cpu.user, system: now.system - cpu.system };
      serverCpu.push((used.user + used.system) / 1000);
    });
    next();
  });
  const auth = { tokens: [{ name: 'bench', secret: TOKEN }] };
  const app = createHttpApp({ db: database.db, logger, isReady: () => true, apiAuth: auth, mounts: [{ path: '/', router: timing }, { path: '/', router: mcpHttpRouter(deps, auth) }] });
  const http = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const worker = new Worker(
    `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(new URL('./lib/mcp-client-worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`,
    { eval: true, workerData: { url: `http://127.0.0.1:${http.port}/mcp`, token: TOKEN, components, words } },
  );
  const replies: Array<(m: { times?: number[]; error?: string; ready?: boolean }) => void> = [];
  const next = () => new Promise<{ times?: number[]; error?: string; ready?: boolean }>((resolve) => replies.push(resolve));
  worker.on('message', (m) => replies.shift()?.(m));
  worker.on('error', (e) => replies.shift()?.({ error: e.message }));
  const run = async (phase: string, n: number, offset = 0): Promise<number[]> => {
    server = [];
    serverCpu = [];
    const reply = next();
    worker.postMessage({ phase, calls: n, offset });
    const m = await reply;
    if (m.error) throw new Error(m.error);
    return m.times!;
  };
  try {
    const ready = await next();
    if (ready.error) throw new Error(ready.error);
    // Warm-up: the first few hundred calls still run partly unoptimised code (JIT), measured or not.
    await run('owner', 300);
    const clientSide = await run('owner', calls, 100);
    console.log(`tools/call owner, server-side: ${percentiles(server)}  (target p99 < 10 ms); loadavg ${load()}`);
    console.log(`tools/call owner, server-side CPU per request (the service's thread): ${percentiles(serverCpu)}`);
    console.log(`tools/call owner, client-side (the SDK Client in a worker thread, over loopback): ${percentiles(clientSide)}`);

    await run('stateless', 100);
    await run('stateless', calls, 100);
    console.log(`tools/call owner, stateless (no session), server-side: ${percentiles(server)}, CPU per request ${percentiles(serverCpu)}; loadavg ${load()}`);

    const t1 = performance.now();
    await run('mixed', 100);
    const wall = performance.now() - t1;
    console.log(`session of 100 mixed calls (+ tools/list): ${wall.toFixed(0)} ms wall, server-side per request ${percentiles(server)}; loadavg ${load()}`);
  } finally {
    worker.postMessage('close');
    await new Promise((resolve) => worker.once('exit', resolve));
    await http.close();
  }
} finally {
  await database.close();
}
