/**
 * Scaffolder tasks under faults, with the compiled service as real processes on real Postgres:
 * backends terminated while a task runs (the task completes, recorded once), and a replica whose
 * clock runs 5 minutes fast beside one running a task (the task is not declared interrupted).
 * A task's register step clones a repository the test holds (a `file://` repository in the replica's
 * own DATA_DIR/repos, the only local remote catalog:register accepts), so it is provably mid-run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFaultDatabase, createHeldRepo, ensureBuilt, faultSkipReason, killAll, reportFigure, skewedClockArgs, sleep, spawnService, waitFor, writeCatalog, type FaultDatabase, type HeldRepo, type ServiceProcess } from './harness/index.js';

const skip = faultSkipReason();
if (skip) console.log(skip);

function templateSource(registerUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'callsheet-faults-templates-'));
  writeFileSync(
    join(dir, 'template.yaml'),
    `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: register-slow
  title: Register a slow repository
spec:
  owner: group:default/team-0
  type: service
  parameters: []
  steps:
    - id: hello
      name: Say hello
      action: debug:log
      input: { message: starting }
    - id: register
      name: Register
      action: catalog:register
      input:
        repoContentsUrl: ${registerUrl}
`,
  );
  return dir;
}

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-0\n`;

describe.skipIf(skip)('scaffolder tasks under faults', () => {
  // The build (a minute or two) belongs to no test's time budget.
  beforeAll(() => ensureBuilt().then(() => undefined), 300_000);
  let fault: FaultDatabase | undefined;
  let remote: HeldRepo | undefined;
  const services: ServiceProcess[] = [];
  afterEach(async () => {
    await killAll(services.splice(0));
    remote?.close();
    remote = undefined;
    await fault?.close();
    fault = undefined;
  });

  async function submit(): Promise<string> {
    const id = randomUUID();
    await fault!.sql`insert into scaffolder_tasks (id, template_ref, requester, values, status, steps, created_at)
      values (${id}, 'template:default/register-slow', ${fault!.sql.json({ platform: 'cli' })}, ${fault!.sql.json({})}, 'open', '[]'::jsonb, now())`;
    return id;
  }
  const taskOf = async (id: string) => (await fault!.sql<{ status: string; claimed_by: string | null; error: string | null }[]>`select status, claimed_by, error from scaffolder_tasks where id = ${id}`)[0]!;
  const envFor = (templates: string, catalog: string, dataDir?: string) => ({ CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: templates, SCAFFOLDER_POLL_INTERVAL: '500ms', SYNC_INTERVAL: '5m', ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const dataDirFor = (instance: string) => mkdtempSync(join(tmpdir(), `callsheet-faults-${instance}-`));

  it('backends terminated while a task runs: the task completes and is recorded once', async () => {
    fault = await createFaultDatabase();
    const dataDir = dataDirFor('task-a');
    remote = createHeldRepo(dataDir, 'made-by-task', { 'catalog-info.yaml': component('made-by-task') });
    const { dir } = writeCatalog({ components: 10 });
    const service = await spawnService({ databaseUrl: fault.url, instance: 'task-a', env: envFor(templateSource(remote.url), dir, dataDir) });
    services.push(service);
    await waitFor('ready', async () => (await service.status('/readyz')) === 200, 60_000, 100);
    const id = await submit();
    await waitFor('the task mid-run (cloning)', async () => remote!.reading() && (await taskOf(id)).status === 'processing', 60_000, 100);
    await fault.terminateBackends({ instance: 'task-a' });
    const releasedAt = Date.now();
    remote.release();
    // Terminate its busy backends while the register step's sync and the task's bookkeeping write.
    let terminated = 0;
    for (let i = 0; i < 400 && terminated < 3 && !['completed', 'failed'].includes((await taskOf(id)).status); i++) {
      terminated += await fault.terminateBackends({ instance: 'task-a', onlyActive: true });
      await sleep(10);
    }
    await waitFor('the task finished', async () => ['completed', 'failed'].includes((await taskOf(id)).status), 90_000, 100);
    reportFigure('scaffolder task finished after backend termination', Date.now() - releasedAt);
    console.log(`[faults] backends terminated during the task: ${terminated}`);
    expect(terminated).toBeGreaterThan(0);
    expect(await taskOf(id)).toMatchObject({ status: 'completed', claimed_by: 'task-a', error: null });
    const [entity] = await fault.sql<{ ref: string }[]>`select ref from entities where ref = 'component:default/made-by-task'`;
    expect(entity?.ref).toBe('component:default/made-by-task');
    expect(service.hasExited()).toBe(false);
    expect(service.stderr()).not.toMatch(/TypeError|Unhandled|uncaught/i);
  }, 150_000);

  it('a replica whose clock runs 5 minutes fast does not declare another replica’s healthy task interrupted', async () => {
    fault = await createFaultDatabase();
    const dataDir = dataDirFor('steady-a');
    remote = createHeldRepo(dataDir, 'made-beside-skew', { 'catalog-info.yaml': component('made-beside-skew') });
    const { dir } = writeCatalog({ components: 10 });
    const templates = templateSource(remote.url);
    const a = await spawnService({ databaseUrl: fault.url, instance: 'steady-a', env: envFor(templates, dir, dataDir) });
    services.push(a);
    await waitFor('steady-a ready', async () => (await a.status('/readyz')) === 200, 60_000, 100);
    const id = await submit();
    await waitFor('steady-a runs the task', async () => remote!.reading() && (await taskOf(id)).claimed_by === 'steady-a', 60_000, 100);
    const fast = await spawnService({
      databaseUrl: fault.url,
      instance: 'fast-b',
      env: { ...envFor(templates, dir), CALLSHEET_FAULTS_CLOCK_OFFSET_MS: String(5 * 60_000) },
      nodeArgs: skewedClockArgs(),
    });
    services.push(fast);
    await waitFor('fast-b ready (its worker recovers and polls)', async () => (await fast.status('/readyz')) === 200, 60_000, 100);
    // Several of its polls (every 500 ms), each looking for stale tasks.
    await sleep(3000);
    expect((await taskOf(id)).status).toBe('processing');
    remote.release();
    await waitFor('the task finished', async () => ['completed', 'failed'].includes((await taskOf(id)).status), 60_000, 100);
    expect(await taskOf(id)).toMatchObject({ status: 'completed', claimed_by: 'steady-a', error: null });
    expect(fast.logs.filter((l) => l.msg === 'scaffolder task interrupted; marked failed')).toEqual([]);
  }, 150_000);
});
