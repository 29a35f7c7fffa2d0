/**
 * `npm run bench:search [entities]` (default 50,000): loads the generated catalog (catalog.ts) with
 * the planted entities, runs the judged queries (queries.ts) through the search `find` uses, and
 * prints recall@5 (relevant found in the top five, over min(relevant, 5)), MRR (first relevant in
 * the top ten) and latency p50/p99. Uses TEST_DATABASE_URL / DATABASE_URL (a fresh database,
 * dropped after) or PGlite. Targets (issue 16): recall@5 >= 0.9, p99 < 20 ms at 50,000 entities.
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { searchCatalog } from '../../src/catalog/search.js';
import { applySnapshot } from '../../src/catalog/store.js';
import { embeddedAnalyzer } from '../../src/db/embedded-analyze.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { ms, percentile } from '../lib/stats.js';
import { generateSearchCatalog } from './catalog.js';
import { planted, queries } from './queries.js';

const total = Number(process.argv[2] ?? 50_000);
const RUNS = Number(process.env.SEARCH_BENCH_RUNS ?? 20);
const database = await createTestDatabase();
try {
  const records = generateSearchCatalog(total, planted);
  const t0 = performance.now();
  await applySnapshot(database.db, { sourceId: 'bench', records, now: new Date() });
  // Statistics as a running service has them: Postgres's autovacuum would analyze (off on some test
  // machines, so asked here); on PGlite the sync service runs ANALYZE itself (embedded-analyze.ts).
  if (database.kind === 'postgres') await database.db.execute(sql`analyze`);
  else await embeddedAnalyzer(database.db, database.kind)(records.length);
  console.log(`${database.kind}: loaded and indexed ${records.length} entities in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${queries.length} judged queries`);

  let recallSum = 0;
  let rrSum = 0;
  const misses: string[] = [];
  for (const { q, relevant } of queries) {
    const hits = (await searchCatalog(database.db, q, { limit: 10 })).hits.map((h) => h.row.ref);
    const found = hits.slice(0, 5).filter((r) => relevant.includes(r)).length;
    const recall = found / Math.min(relevant.length, 5);
    const first = hits.findIndex((r) => relevant.includes(r));
    recallSum += recall;
    rrSum += first === -1 ? 0 : 1 / (first + 1);
    if (recall < 1) misses.push(`  ${q}: recall@5 ${recall.toFixed(2)}; top 5 ${hits.slice(0, 5).join(', ') || '(none)'}`);
  }
  const samples: number[] = [];
  // CPU time of this process per query: on PGlite the database runs in it, so this is the query's
  // cost without the time spent waiting for a core on a loaded machine (wall time is printed too).
  const cpu: number[] = [];
  const cpuByQuery = new Map<string, number[]>();
  for (let run = 0; run < RUNS + 2; run++) {
    for (const { q } of queries) {
      const t = performance.now();
      const c = process.cpuUsage();
      await searchCatalog(database.db, q, { limit: 10 });
      const used = process.cpuUsage(c);
      if (run >= 2) {
        samples.push(performance.now() - t); // two warm-up rounds
        cpu.push((used.user + used.system) / 1000);
        cpuByQuery.set(q, [...(cpuByQuery.get(q) ?? []), (used.user + used.system) / 1000]);
      }
    }
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`recall@5    : ${(recallSum / queries.length).toFixed(3)} (target >= 0.9)`);
  console.log(`MRR@10      : ${(rrSum / queries.length).toFixed(3)}`);
  console.log(`latency     : p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))} (target < 20 ms; n=${samples.length})`);
  if (database.kind === 'pglite') {
    console.log(`cpu time    : p50 ${ms(percentile(cpu, 50))}, p99 ${ms(percentile(cpu, 99))} (this process, database included)`);
    const costly = [...cpuByQuery].map(([q, t]) => ({ q, median: percentile([...t].sort((a, b) => a - b), 50) })).sort((a, b) => b.median - a.median).slice(0, 5);
    console.log(`costliest   : ${costly.map((c) => `${c.q} ${ms(c.median)}`).join('; ')} (median cpu)`);
  }
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  if (misses.length) console.log(`queries below full recall:\n${misses.join('\n')}`);
} finally {
  await database.close();
}
