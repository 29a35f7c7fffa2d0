import { spawn } from 'node:child_process';
import { startCatalogApiBed, API_TOKEN } from './helpers/catalog-api-bed.js';
const bed = await startCatalogApiBed();
const names = ['payments-api','payments-worker','ledger-service','card-gateway-adapter'];
const requests = names.map((n) => ({ method: 'GET', path: `/api/catalog/entities/by-name/component/default/${n}` }));
const run = (conc: number, ms: number) => new Promise<any>((resolve) => {
  const child = spawn(process.execPath, ['bench/lib/load-client.mjs'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = ''; child.stdout.on('data', (d) => (out += d)); child.on('exit', () => resolve(JSON.parse(out)));
  child.stdin.end(JSON.stringify({ host: '127.0.0.1', port: bed.server.port, headers: { authorization: `Bearer ${API_TOKEN}` }, concurrency: conc, durationMs: ms, requests }));
});
await run(20, 1000);
console.log('trusted', bed.feed.trusted(), 'gen', bed.feed.generation());
const c0 = process.cpuUsage();
const r = await run(20, 4000);
const c = process.cpuUsage(c0);
console.log(r.count, r.rps.toFixed(0), 'cpu/req µs', ((c.user + c.system) / r.count).toFixed(0), r.statuses, 'trusted', bed.feed.trusted());
await bed.close();
