/**
 * Look-up latency at catalog scale: `npx tsx bench/owner-lookup.ts [entities]` (default 50,000).
 * Uses TEST_DATABASE_URL / DATABASE_URL (a fresh database is created and dropped) or PGlite.
 * Prints p50/p99 for exact resolution, fuzzy "did you mean", and the whole `owner` command.
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { resolveEntity } from '../src/catalog/queries-resolve.js';
import { refOf } from '../src/catalog/refs.js';
import { relationsOf } from '../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../src/catalog/store.js';
import { runLine } from '../src/commands/run.js';
import { commandContext } from '../test/helpers/command-context.js';
import { createTestDatabase } from '../test/helpers/db.js';

const total = Number(process.argv[2] ?? 50_000);
const words = ['payments', 'ledger', 'checkout', 'search', 'identity', 'billing', 'orders', 'catalog', 'shipping', 'fraud', 'pricing', 'inventory'];
const suffixes = ['api', 'service', 'worker', 'web', 'db', 'gateway', 'sync', 'exporter'];

function record(entity: Entity): CatalogRecord {
  return { ref: refOf(entity), entity, relations: relationsOf(entity), filePath: `gen/${entity.metadata.name}.yaml`, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') };
}

function generate(n: number): CatalogRecord[] {
  const groups = Math.max(10, Math.floor(n / 100));
  const users = Math.floor(n / 20);
  const out: CatalogRecord[] = [];
  for (let g = 0; g < groups; g++) {
    out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: `team-${g}`, annotations: { 'slack.com/channel-id': `C${g}`, 'slack.com/channel-name': `team-${g}` } }, spec: { type: 'team', children: [], ...(g ? { parent: `team-${Math.floor(g / 10)}` } : {}) } }));
  }
  for (let u = 0; u < users; u++) {
    out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: `user-${u}` }, spec: { profile: { email: `user-${u}@example.com` }, memberOf: [`team-${u % groups}`] } }));
  }
  for (let c = 0; out.length < n; c++) {
    const name = `${words[c % words.length]}-${suffixes[Math.floor(c / words.length) % suffixes.length]}-${c}`;
    out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, description: `The ${words[c % words.length]} ${suffixes[c % suffixes.length]} number ${c}` }, spec: { type: 'service', lifecycle: 'production', owner: `team-${c % groups}`, ...(c > 0 ? { dependsOn: [`component:${words[(c - 1) % words.length]}-${suffixes[Math.floor((c - 1) / words.length) % suffixes.length]}-${c - 1}`] } : {}) } }));
  }
  out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments-api' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-1' } }));
  return out;
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return `p50 ${at(50).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms (n=${samples.length})`;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

const database = await createTestDatabase();
try {
  const records = generate(total);
  const t0 = performance.now();
  await applySnapshot(database.db, { sourceId: 'bench', records, now: new Date() });
  console.log(`${database.kind}: loaded ${records.length} entities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env.VAC) { const { sql } = await import("drizzle-orm"); await database.db.execute(sql`vacuum analyze`); await database.db.execute(sql`checkpoint`); }
  const names = records.filter((r) => r.entity.kind === 'Component').map((r) => r.entity.metadata.name);
  await time(50, (i) => resolveEntity(database.db, names[i])); // warm-up
  console.log(`exact name  : ${percentiles(await time(1000, (i) => resolveEntity(database.db, names[(i * 7919) % names.length])))}`);
  console.log(`exact ref   : ${percentiles(await time(1000, (i) => resolveEntity(database.db, `component:default/${names[(i * 7919) % names.length]}`)))}`);
  const typos = ['paymnts-api', 'payments-apj', 'ledgr-service-17', 'checkout-wbe-2'];
  const found = await resolveEntity(database.db, 'paymnts-api');
  console.log(`typo check  : paymnts-api -> ${found.status === 'suggestions' ? found.candidates.slice(0, 3).map((c) => c.ref).join(', ') : found.status}`);
  console.log(`fuzzy       : ${percentiles(await time(100, (i) => resolveEntity(database.db, typos[i % typos.length])))}`);
  const ctx = commandContext(database.db);
  await time(200, (i) => runLine(`owner ${names[(i * 31) % names.length]}`, ctx)); // warm-up
  const cpu = process.cpuUsage();
  const owner = await time(2000, (i) => runLine(`owner ${names[(i * 104729) % names.length]}`, ctx));
  const used = process.cpuUsage(cpu);
  console.log(`owner cmd   : ${percentiles(owner)}, CPU ${((used.user + used.system) / 1000 / owner.length).toFixed(2)} ms per command`);
} finally {
  await database.close();
}
