/**
 * `npm run bench:github`: a fake organisation of 5,000 repositories. Prints the first full sync's wall
 * time and request count, the cost of a second sync with nothing changed, and webhook-to-fresh latency.
 * `syncOnce` is the one place that runs a sync: swap in the sync service once it is merged.
 * BENCH_REPOS, BENCH_PUSHES and BENCH_GRAPHQL_SPACING_MS (default 1000, GitHub's advice) adjust it.
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { entities } from '../src/db/schema.js';
import { createGithubClient } from '../src/github/client.js';
import { createGithubWebhookRouter } from '../src/http/github-webhook.js';
import { silentLogger } from '../src/logger.js';
import { githubDriver } from '../src/sync/sources/github.js';
import { componentYaml, generateOrg, repoName } from '../test/fakes/github/generate.js';
import { startFakeGithub } from '../test/fakes/github/server.js';
import { delivery, post, pushPayload } from '../test/fakes/github/webhooks.js';
import { createTestDatabase } from '../test/helpers/db.js';
import { applyGithubSnapshot } from '../test/helpers/github-read.js';

const REPOS = Number(process.env.BENCH_REPOS ?? 5000);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 20);
const SPACING = Number(process.env.BENCH_GRAPHQL_SPACING_MS ?? 1000);
const SECRET = 'bench-secret';
const logger = silentLogger();

const org = generateOrg({ org: 'acme', repos: REPOS, archivedEvery: 50, missingEvery: 41, brokenEvery: 101, locationEvery: 97 });
const fake = await startFakeGithub({ org });
const database = await createTestDatabase();
const driver = githubDriver({
  source: 'github:acme',
  apiUrl: fake.apiUrl,
  logger,
  client: () => createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger, serialSpacingMs: SPACING }),
});

let last: { revision: string | null; state: Record<string, unknown> | null } = { revision: null, state: null };
async function syncOnce(scope?: { trees?: string[] }): Promise<{ changed: boolean; entities: number }> {
  const snapshot = await driver.snapshot(last.revision, last.state, scope);
  if (!snapshot) return { changed: false, entities: 0 };
  last = { revision: snapshot.revision, state: snapshot.state ?? null };
  const result = await applyGithubSnapshot(database.db, driver.id, snapshot);
  return { changed: true, entities: result.added.length + result.updated.length + result.removed.length };
}

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

try {
  let t = performance.now();
  const first = await syncOnce();
  const firstMs = performance.now() - t;
  const firstRequests = fake.requests.total;
  console.log(`first full sync: ${(firstMs / 1000).toFixed(1)} s, ${firstRequests} requests (${[...fake.requests.byRoute].map(([k, v]) => `${k}: ${v}`).join(', ')}), ${first.entities} entities written`);

  fake.resetCounts();
  t = performance.now();
  const second = await syncOnce();
  console.log(`second sync, nothing changed: ${((performance.now() - t) / 1000).toFixed(2)} s, ${fake.requests.total} requests (${fake.requests.notModified} were 304 Not Modified), changed: ${second.changed}`);

  const app = express();
  let pending: Promise<void>[] = [];
  const resync = async (o: string, repo: string) => {
    await syncOnce({ trees: [`${o}/${repo}`] });
  };
  app.use(createGithubWebhookRouter({ secret: SECRET, db: database.db, logger, onRepositoryChanged: resync, onRepositoryRemoved: resync, track: (p) => pending.push(p) }));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhook`;

  const latencies: number[] = [];
  fake.resetCounts();
  for (let i = 0; i < PUSHES; i++) {
    const name = repoName(i * 7);
    if (!org.get(name)?.files.has('catalog-info.yaml') || org.get(name)?.archived) continue;
    const owner = `team-pushed-${i}`;
    org.commit(name, { 'catalog-info.yaml': componentYaml(name, owner) });
    const start = performance.now();
    const res = await post(url, await delivery(SECRET, 'push', pushPayload('acme', name)));
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    for (;;) {
      const [row] = await database.db.select({ owner: entities.ownerRef }).from(entities).where(eq(entities.ref, `component:default/${name}`));
      if (row?.owner === `group:default/${owner}`) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - start);
    await Promise.all(pending);
    pending = [];
  }
  server.close();
  console.log(`webhook to fresh answer (${latencies.length} pushes): p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms, ${fake.requests.total} requests`);
} finally {
  await fake.close();
  await database.close();
}
