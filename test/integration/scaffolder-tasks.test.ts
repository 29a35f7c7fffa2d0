import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Db } from '../../src/db/client.js';
import { entities, scaffolderTasks } from '../../src/db/schema.js';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { validateEntity } from '../../src/catalog/validate.js';
import { runLine } from '../../src/commands/run.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { createAction, createActionRegistry } from '../../src/scaffolder/actions/types.js';
import { debugLogAction } from '../../src/scaffolder/actions/debug-log.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import type { EntityField } from '../../src/reply/form.js';
import { initialValues } from '../../src/scaffolder/form-values.js';
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import { openForm, submitTask } from '../../src/scaffolder/service.js';
import { claimTask, createTask, getTask, heartbeat, INTERRUPTED, type TaskRecord } from '../../src/scaffolder/tasks.js';
import { runnableTemplates } from '../../src/scaffolder/templates.js';
import { createWorker } from '../../src/scaffolder/worker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addPeople, addShippedTemplates, addSource, recordOf, templateEntity } from '../helpers/scaffolder.js';
import { realRegistrar } from '../helpers/registrar.js';

const ada: Requester = { platform: 'shell', userRef: 'user:default/ada' };
const bob: Requester = { platform: 'shell', userRef: 'user:default/bob' };

let database: TestDatabase;
let db: Db;
let work: string;

function recorder() {
  const progress: TaskRecord[] = [];
  const finished: TaskRecord[] = [];
  const notifier: TaskNotifier = { progress: async (t) => void progress.push(t), finished: async (t) => void finished.push(t) };
  return { progress, finished, notifier };
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  work = await mkdtemp(join(tmpdir(), 'callsheet-tasks-'));
  await addPeople(db);
  await addShippedTemplates(db, { 'docs-site': { 'callsheet.io/allowed-groups': 'team-b, group:default/platform' } });
  await addSource(db, 'https://example.com/untrusted.git', 'https://example.com/untrusted.git', false, [await recordOf(templateEntity('sneaky', {}), 'sneaky.yaml')], 'git');
});

afterAll(async () => {
  await database?.close();
  await rm(work, { recursive: true, force: true });
});

function ctx(requester: Requester): CommandContext {
  return { db, clock: systemClock, logger: silentLogger(), requester, staleAfterDays: 180 };
}

describe('who may run which template', () => {
  it('offers only trusted templates the requester is allowed to run', async () => {
    expect((await runnableTemplates(db, ada)).map((t) => t.name)).toEqual(['typescript-service', 'typescript-library']);
    expect((await runnableTemplates(db, bob)).map((t) => t.name)).toEqual(['docs-site', 'typescript-service', 'typescript-library']);
  });

  it('create lists them with open buttons', async () => {
    const reply = await runLine('create', ctx(ada));
    const buttons = reply.sections[0].list!.map((i) => i.button!.action);
    expect(buttons).toEqual([
      { type: 'action', id: 'scaffolder.open', value: { template: 'template:default/typescript-service' } },
      { type: 'action', id: 'scaffolder.open', value: { template: 'template:default/typescript-library' } },
    ]);
  });

  it('create <name> goes straight to the template, refuses clearly, or suggests', async () => {
    const direct = await runLine('create typescript-service', ctx(ada));
    expect(direct.isError).toBeUndefined();
    expect(direct.sections[0].buttons![0].action).toEqual({ type: 'action', id: 'scaffolder.open', value: { template: 'template:default/typescript-service' } });
    const refused = await runLine('create docs-site', ctx(ada));
    expect(refused.isError).toBe(true);
    expect(refused.summary).toMatch(/You may not run Documentation site: it is limited to members of group:default\/team-b, group:default\/platform/);
    const untrusted = await runLine('create sneaky', ctx(ada));
    expect(untrusted.summary).toMatch(/not a trusted template source/);
    const typo = await runLine('create typescript-servce', ctx(ada));
    expect(typo.summary).toMatch(/Did you mean typescript-service/);
    const none = await runLine('create zzzzzzzzzzzzzz', ctx(ada));
    expect(none.summary).toMatch(/No template called/);
  });

  it('refuses to open or submit a template the requester may not run', async () => {
    expect(await openForm(db, 'docs-site', ada)).toMatchObject({ ok: false, message: expect.stringMatching(/You may not run/) });
    expect(await openForm(db, 'docs-site', bob)).toMatchObject({ ok: true });
    const submitted = await submitTask(db, systemClock, { templateRef: 'template:default/docs-site', requester: ada, values: { name: 'x', owner: 'team-a' } });
    expect(submitted).toMatchObject({ ok: false, errors: [{ field: '', message: expect.stringMatching(/You may not run/) }] });
    expect(await submitTask(db, systemClock, { templateRef: 'template:default/sneaky', requester: ada, values: {} })).toMatchObject({ ok: false });
  });

  it('rejects invalid values with field errors and creates no task', async () => {
    const before = (await db.select().from(scaffolderTasks)).length;
    const submitted = await submitTask(db, systemClock, { templateRef: 'template:default/typescript-service', requester: ada, values: { name: 'Not Valid!', publishTo: 'github' } });
    expect(submitted.ok).toBe(false);
    const fields = (submitted as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['name', 'owner', 'repoUrl']);
    expect((await db.select().from(scaffolderTasks)).length).toBe(before);
  });

  it('offers entity picker options by kind, filter, scope and search', async () => {
    const base = { id: 'o', path: ['o'], label: 'O', required: false, allowArbitraryValues: true, multiple: false };
    const groups: EntityField = { ...base, type: 'entity', kinds: [], filter: [{ kind: 'Group' }] };
    expect((await entityOptions(db, groups, ada)).map((o) => o.value)).toEqual(['group:default/team-a', 'group:default/team-b']);
    expect((await entityOptions(db, { ...groups, filter: [{ kind: 'Group', 'spec.type': 'team' }] }, ada, { search: 'b' })).map((o) => o.value)).toEqual(['group:default/team-b']);
    expect((await entityOptions(db, { ...base, type: 'entity', kinds: ['Group'], filter: [], scope: 'mine' }, ada)).map((o) => o.value)).toEqual(['group:default/team-a']);
    expect((await entityOptions(db, { ...base, type: 'entity', kinds: ['System'], filter: [], scope: 'owned' }, ada)).map((o) => o.value)).toEqual(['system:default/payments']);
  });
});

describe('a full run of a shipped template into a real bare Git repository', () => {
  it('creates the repository, registers it, and the new component has the chosen owner', async () => {
    const reposDir = join(work, 'repos');
    const registrar = realRegistrar(database.db, work);
    const { progress, finished, notifier } = recorder();
    const opened = await openForm(db, 'typescript-service', ada);
    if (!opened.ok) throw new Error(opened.message);
    const values = { ...initialValues(opened.form), name: 'pay-api', description: 'Takes payments: cards & "wallets"', owner: 'group:default/team-a', system: 'system:default/payments' };
    const submitted = await submitTask(db, systemClock, { templateRef: opened.template.ref, requester: ada, values });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.errors));
    const worker = createWorker({ db, clock: systemClock, logger: silentLogger(), workerId: 'w1', notifier, actions: builtinActions({ registrar, publishGit: { reposDir } }), workDir: work });
    expect(await worker.runOnce()).toBe(true);

    const task = (await getTask(db, submitted.task.id))!;
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.steps.map((s) => [s.id, s.status])).toEqual([
      ['fetch', 'completed'],
      ['publish-git', 'completed'],
      ['publish-github', 'skipped'],
      ['register', 'completed'],
    ]);
    const bare = join(reposDir, 'pay-api.git');
    expect(task.outputs!.links).toEqual([
      { title: 'Repository', url: `file://${bare}` },
      { title: 'Open in catalog', icon: 'catalog', entityRef: 'component:default/pay-api' },
    ]);
    expect(registrar.targets).toEqual([`file://${bare}#main`]);
    expect(progress.length).toBe(4);
    expect(finished.map((t) => t.status)).toEqual(['completed']);

    const files = execFileSync('git', ['--git-dir', bare, 'ls-tree', '-r', '--name-only', 'main'], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', 'Dockerfile', 'README.md', 'catalog-info.yaml', 'package.json', 'src/app.ts', 'src/server.ts', 'tsconfig.json']));
    const catalogInfo = yaml.load(execFileSync('git', ['--git-dir', bare, 'show', 'main:catalog-info.yaml'], { encoding: 'utf8' }));
    const valid = await validateEntity(catalogInfo);
    expect(valid.ok).toBe(true);
    expect(catalogInfo).toMatchObject({ metadata: { name: 'pay-api', description: 'Takes payments: cards & "wallets"' }, spec: { owner: 'group:default/team-a', system: 'system:default/payments', type: 'service' } });
    expect(JSON.parse(execFileSync('git', ['--git-dir', bare, 'show', 'main:package.json'], { encoding: 'utf8' }))).toMatchObject({ name: 'pay-api' });
    expect(execFileSync('git', ['--git-dir', bare, 'show', 'main:.github/workflows/ci.yml'], { encoding: 'utf8' })).toContain('${{ github.sha }}');

    const [row] = await db.select().from(entities).where(eq(entities.ref, 'component:default/pay-api'));
    expect(row).toMatchObject({ ownerRef: 'group:default/team-a', systemRef: 'system:default/payments', sourceId: `file://${bare}#main` });
    // The task folder is gone.
    expect((await readdir(work)).filter((f) => f.startsWith('callsheet-task-'))).toEqual([]);
  });
});

describe('workers', () => {
  let counts: Map<string, number>;
  const countAction = createAction({
    id: 'test:count',
    description: 'counts runs per task',
    schema: z.object({ secret: z.string().optional() }).strict(),
    async handler(ctx) {
      counts.set(ctx.task.id, (counts.get(ctx.task.id) ?? 0) + 1);
      ctx.logger.info(`secret is ${ctx.input.secret} and token is ${ctx.secrets.GITHUB_TOKEN}`);
      await new Promise((r) => setTimeout(r, 20));
    },
  });

  beforeAll(async () => {
    counts = new Map();
    const entity = templateEntity('counter', {
      parameters: [{ properties: { password: { type: 'string', 'ui:widget': 'password' } } }],
      steps: [{ id: 'count', name: 'Count', action: 'test:count', input: { secret: '${{ parameters.password }}' } }, { id: 'log', action: 'debug:log', input: { message: 'pw=${{ parameters.password }}' } }],
    });
    await addSource(db, 'more-templates', work, true, [await recordOf(entity, 'counter.yaml')]);
  });

  it('runs each task once when two replicas claim at the same time, and redacts secrets', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const submitted = await submitTask(db, systemClock, { templateRef: 'template:default/counter', requester: ada, values: { password: 'hunter2-secret' } });
      if (!submitted.ok) throw new Error(JSON.stringify(submitted.errors));
      ids.push(submitted.task.id);
    }
    // Before a worker runs it, the password is kept apart from the values a task shows.
    const open = (await getTask(db, ids[0]))!;
    expect(open.values).toEqual({});
    expect(open.secrets).toEqual([{ path: ['password'], value: 'hunter2-secret' }]);
    const second = database.url ? await openDatabase({ url: database.url, poolSize: 2 }) : undefined;
    try {
      const make = (id: string, onDb: Db) =>
        createWorker({ db: onDb, clock: systemClock, logger: silentLogger(), workerId: id, notifier: recorder().notifier, actions: createActionRegistry([countAction, debugLogAction]), secrets: { GITHUB_TOKEN: 'ghp_tokenvalue' }, workDir: work });
      const drain = async (w: ReturnType<typeof make>) => {
        let n = 0;
        while (await w.runOnce()) n++;
        return n;
      };
      const [a, b] = await Promise.all([drain(make('w-a', db)), drain(make('w-b', second?.db ?? db))]);
      expect(a + b).toBe(6);
    } finally {
      await second?.close();
    }
    for (const id of ids) {
      expect(counts.get(id)).toBe(1);
      const task = (await getTask(db, id))!;
      expect(task.status).toBe('completed');
      const stored = JSON.stringify(await db.select().from(scaffolderTasks).where(eq(scaffolderTasks.id, id)));
      expect(stored).not.toContain('ghp_tokenvalue');
      // The action got the password (its log line was redacted), and the row forgot it at the end.
      expect(stored).not.toContain('hunter2-secret');
      expect(task.secrets).toBeNull();
      expect(task.steps[0].log).toEqual(['secret is *** and token is ***']);
      expect(task.steps[1].log).toEqual(['pw=***']);
    }
  });

  it('marks tasks of a dead worker failed at start-up and tells the requester once', async () => {
    const task = await createTask(db, { templateRef: 'template:default/counter', requester: ada, values: {}, secrets: [{ path: ['password'], value: 'pw-of-a-dead-run' }], replyTo: { platform: 'shell' } }, new Date());
    const long = new Date(Date.now() - 10 * 60_000);
    await db.update(scaffolderTasks).set({ status: 'processing', claimedBy: 'dead', heartbeatAt: long, startedAt: long }).where(eq(scaffolderTasks.id, task.id));
    const fresh = await createTask(db, { templateRef: 'template:default/counter', requester: ada, values: {} }, new Date());
    await db.update(scaffolderTasks).set({ status: 'processing', claimedBy: 'alive', heartbeatAt: new Date() }).where(eq(scaffolderTasks.id, fresh.id));

    const { finished, notifier } = recorder();
    const worker = createWorker({ db, clock: systemClock, logger: silentLogger(), workerId: 'w-new', notifier, actions: createActionRegistry([]), staleAfterMs: 60_000 });
    expect(await worker.recover()).toBe(1);
    expect(await worker.recover()).toBe(0);
    expect(finished.map((t) => [t.id, t.status, t.error, t.replyTo])).toEqual([[task.id, 'failed', INTERRUPTED, { platform: 'shell' }]]);
    expect((await getTask(db, fresh.id))!.status).toBe('processing');
    // An interrupted task will not run again, so its secrets are forgotten too.
    expect((await getTask(db, task.id))!.secrets).toBeNull();
  });

  it('judges heartbeats by the database clock: a replica running 5 minutes fast does not interrupt a healthy task', async () => {
    const healthy = await createTask(db, { templateRef: 'template:default/counter', requester: ada, values: {} }, new Date());
    // Claimed and heart-beaten by a replica whose own clock is 5 minutes slow: what it writes is the database's time.
    const slow = { now: () => new Date(Date.now() - 5 * 60_000) };
    const claimed = await claimTask(db, 'slow-replica', slow.now());
    expect(claimed?.id).toBe(healthy.id);
    expect(await heartbeat(db, healthy.id, 'slow-replica')).toBe(true);
    const fast = { now: () => new Date(Date.now() + 5 * 60_000) };
    const { finished, notifier } = recorder();
    const worker = createWorker({ db, clock: fast, logger: silentLogger(), workerId: 'fast-replica', notifier, actions: createActionRegistry([]), staleAfterMs: 60_000 });
    expect(await worker.recover()).toBe(0);
    expect(finished).toEqual([]);
    expect((await getTask(db, healthy.id))!.status).toBe('processing');
    await db.update(scaffolderTasks).set({ status: 'failed' }).where(eq(scaffolderTasks.id, healthy.id));
  });

  it('fails a task whose action is not registered, with Backstage’s message', async () => {
    const entity = templateEntity('broken', { steps: [{ id: 'x', action: 'publish:nowhere', input: {} }] });
    await addSource(db, 'broken-templates', work, true, [await recordOf(entity, 'broken.yaml')]);
    const submitted = await submitTask(db, systemClock, { templateRef: 'template:default/broken', requester: ada, values: {} });
    if (!submitted.ok) throw new Error('not submitted');
    const { finished, notifier } = recorder();
    const worker = createWorker({ db, clock: systemClock, logger: silentLogger(), workerId: 'w-x', notifier, actions: createActionRegistry([]) });
    expect(await worker.runOnce()).toBe(true);
    expect(finished[0]).toMatchObject({ status: 'failed', error: "Step \"publish:nowhere\" failed: Template action with ID 'publish:nowhere' is not registered." });
  });
});

describe('task metrics', () => {
  it('counts finished tasks by outcome for /metrics', async () => {
    const { registry } = await import('../../src/metrics.js');
    const text = await registry.getSingleMetricAsString('callsheet_scaffolder_tasks_total');
    // Earlier tests in this file ran tasks to completion and to failure.
    expect(text).toMatch(/callsheet_scaffolder_tasks_total\{outcome="completed"\} [1-9]/);
    expect(text).toMatch(/callsheet_scaffolder_tasks_total\{outcome="failed"\} [1-9]/);
  });
});
