// A small HTTP load generator, run as its own process so its CPU is not the server's: reads
// { host, port, headers, concurrency, durationMs, requests: [{ method, path, body? }] } as JSON on
// stdin, keeps `concurrency` keep-alive connections busy for `durationMs`, cycling through the
// requests, and prints { count, errors, statuses, rps, p50, p99, max, bytes, serverP50, serverP99, cpuMs }
// (latencies in ms; server* from the answers' `Server-Timing: app;dur=…`, when they carry one;
// cpuMs is this generator's own CPU, which the machine's cores share with the service).
import http from 'node:http';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cfg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
const requests = cfg.requests.map((r) => ({ ...r, body: r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body)) }));
const latencies = [];
const serverTimes = [];
const statuses = {};
let next = 0;
let errors = 0;
let bytes = 0;
const started = performance.now();
const until = started + cfg.durationMs;

function once(req) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const headers = { ...cfg.headers, ...(req.body ? { 'content-type': 'application/json', 'content-length': req.body.length } : {}) };
    const r = http.request({ host: cfg.host, port: cfg.port, method: req.method, path: req.path, headers, agent }, (res) => {
      res.on('data', (d) => (bytes += d.length));
      res.on('end', () => {
        latencies.push(performance.now() - t0);
        const timing = res.headers['server-timing'];
        if (timing) serverTimes.push(Number(/dur=([\d.]+)/.exec(timing)?.[1]));
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        resolve();
      });
    });
    r.on('error', () => {
      errors++;
      resolve();
    });
    if (req.body) r.write(req.body);
    r.end();
  });
}

async function worker() {
  while (performance.now() < until && (cfg.maxRequests === undefined || next < cfg.maxRequests)) await once(requests[next++ % requests.length]);
}

await Promise.all(Array.from({ length: cfg.concurrency }, worker));
const elapsed = performance.now() - started;
latencies.sort((a, b) => a - b);
serverTimes.sort((a, b) => a - b);
const pctOf = (list, p) => (list.length ? list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] : NaN);
const pct = (p) => pctOf(latencies, p) || 0;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ count: latencies.length, errors, statuses, elapsedMs: elapsed, rps: (latencies.length / elapsed) * 1000, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? 0, bytes, serverP50: pctOf(serverTimes, 50), serverP99: pctOf(serverTimes, 99), cpuMs: (cpu.user + cpu.system) / 1000 }));
agent.destroy();
