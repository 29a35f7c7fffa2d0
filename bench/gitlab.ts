/**
 * `npm run bench:gitlab`: a fake GitLab group of 2,000 projects over three levels of subgroups, read
 * through the real sync service. Prints the first sync's wall time and requests, an unchanged second
 * sync, and push webhook -> fresh `owner` answer latency (p50/p95; target p95 under 2 s), with the
 * machine's load average (the numbers mean little on a loaded machine). BENCH_PROJECTS, BENCH_PUSHES.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import express from 'express';
import { gitlabResync } from '../src/cli/gitlab-sources.js';
import { runLine } from '../src/commands/run.js';
import { createGitlabWebhookRouter } from '../src/http/gitlab-webhook.js';
import { silentLogger } from '../src/logger.js';
import { plain } from '../src/reply/reply.js';
import { FakeGitlabModel, generateGroup } from '../test/fakes/gitlab/model.js';
import { startFakeGitlab } from '../test/fakes/gitlab/server.js';
import { deliver, pushPayload } from '../test/fakes/gitlab/webhooks.js';
import { commandContext } from '../test/helpers/command-context.js';
import { createTestDatabase } from '../test/helpers/db.js';
import { gitlabSyncService, push } from '../test/helpers/gitlab-sync.js';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 2000);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 20);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const routes = (m: Map<string, number>) => [...m].map(([k, v]) => `${k}: ${v}`).join(', ');

console.log(`load average at start (1/5/15 min): ${load()}`);
const model = new FakeGitlabModel();
const projects = generateGroup(model, 'acme', PROJECTS);
const fake = await startFakeGitlab({ model });
const database = await createTestDatabase();
const sync = gitlabSyncService(database.db, fake, ['gitlab:acme']);
const reset = () => (fake.requests.byRoute.clear(), (fake.requests.total = 0));

try {
  let t = performance.now();
  const first = await sync.syncSource('gitlab:acme');
  console.log(`first sync of ${PROJECTS} projects: ${((performance.now() - t) / 1000).toFixed(1)} s, ${fake.requests.total} requests (${routes(fake.requests.byRoute)}), ${first.added} entities added, status ${first.status}`);

  reset();
  t = performance.now();
  const second = await sync.syncSource('gitlab:acme');
  console.log(`second sync, nothing changed: ${((performance.now() - t) / 1000).toFixed(2)} s, ${fake.requests.total} requests (${routes(fake.requests.byRoute)}), status ${second.status}`);

  const pending: Promise<void>[] = [];
  const app = express();
  const resync = gitlabResync({ sync, database });
  app.use(createGitlabWebhookRouter({ secret: 'gitlab-hook-secret', db: database.db, logger: silentLogger(), track: (p) => pending.push(p), onProjectChanged: resync, onProjectRemoved: resync }));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gitlab/webhook`;
  const latencies: number[] = [];
  reset();
  for (let i = 0; latencies.length < PUSHES && i < projects.length; i += 7) {
    const project = projects[i]!;
    if (project.archived) continue;
    const owner = `team-pushed-${i}`;
    push(project, { 'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${project.name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n` }, model);
    const start = performance.now();
    const res = await deliver(url, pushPayload(project, ['catalog-info.yaml']));
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    // Asked the way a person asks: `owner <name>` until it names the new team.
    for (;;) {
      const reply = await runLine(`owner ${project.name}`, commandContext(database.db));
      if (reply.sections.some((s) => plain(s.text ?? []).includes(owner) || (s.fields ?? []).some((f) => plain(f.value).includes(owner)))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - start);
    while (pending.length) await pending.shift();
  }
  server.closeAllConnections();
  server.close();
  console.log(`webhook to fresh owner answer (${latencies.length} pushes): p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (target p95 < 2000 ms), ${fake.requests.total} GitLab requests`);
  console.log(`load average at end (1/5/15 min): ${load()}`);
} finally {
  await fake.close();
  await database.close();
}
