import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { auditLog, scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import type { Requester } from '../../src/reply/requester.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { createAction, createActionRegistry } from '../../src/scaffolder/actions/types.js';
import { dryRunReply } from '../../src/scaffolder/dry-run-reply.js';
import { previewTask } from '../../src/scaffolder/preview.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { realRegistrar } from '../helpers/registrar.js';
import { addPeople, addShippedTemplates, addSource, recordOf, templateEntity } from '../helpers/scaffolder.js';

const ada: Requester = { platform: 'shell', userRef: 'user:default/ada' };

let database: TestDatabase;
let db: Db;
let work: string;
let reposDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  work = await mkdtemp(join(tmpdir(), 'callsheet-dry-'));
  reposDir = join(work, 'repos');
  await addPeople(db);
  await addShippedTemplates(db, { 'docs-site': { 'callsheet.io/allowed-groups': 'team-b' } });
});

afterAll(async () => {
  await database?.close();
  await rm(work, { recursive: true, force: true });
});

const runner = () => ({ actions: builtinActions({ registrar: realRegistrar(db, work), publishGit: { reposDir } }), clock: systemClock, logger: silentLogger(), workDir: join(work, 'tasks') });

describe('dry run', () => {
  it('runs fetch steps in a temporary workspace, skips publishing, shows files and the rendered catalog-info.yaml', async () => {
    const values = { name: 'dry-demo', owner: 'group:default/team-a', publishTo: 'callsheet' };
    const previewed = await previewTask({ db, clock: systemClock, runner: runner() }, { templateRef: 'template:default/typescript-service', requester: ada, values });
    if (!previewed.ok) throw new Error(JSON.stringify(previewed.errors));
    const { result } = previewed;
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([['fetch', 'completed'], ['publish-git', 'skipped'], ['publish-github', 'skipped'], ['register', 'skipped']]);
    // publish-github is skipped by its `if`, not listed as a dry-run skip.
    expect(result.skipped.map((s) => s.action)).toEqual(['publish:git', 'catalog:register']);
    const catalog = result.files.find((f) => f.path === 'catalog-info.yaml')!;
    expect(catalog.size).toBeGreaterThan(0);
    expect(catalog.content).toMatch(/name: "dry-demo"/);
    expect(result.files.find((f) => f.path === 'package.json')?.content).toBeUndefined();
    // Outputs of skipped steps are placeholders, not empty.
    expect(result.outputs?.links?.[0]?.url).toBe('<dry-run: steps.publish-git.output.remoteUrl>');
    // Nothing published, no task stored, the workspace removed.
    expect(await readdir(reposDir).catch(() => [])).toEqual([]);
    expect(await db.select().from(scaffolderTasks)).toEqual([]);
    expect(await readdir(join(work, 'tasks'))).toEqual([]);
    const audit = (await db.select().from(auditLog)).filter((r) => r.action === 'task.dry-run');
    expect(audit.at(-1)).toMatchObject({ outcome: 'ok', target: 'template:default/typescript-service' });
    const reply = dryRunReply('TypeScript HTTP service', result);
    expect(reply.header).toBe('TypeScript HTTP service — dry run');
    expect(JSON.stringify(reply)).toMatch(/does not support dry run/);
  });

  it('rejects values with the same errors as the forms, and refuses templates the requester may not run', async () => {
    const bad = await previewTask({ db, clock: systemClock, runner: runner() }, { templateRef: 'template:default/typescript-service', requester: ada, values: { name: 'Not A Name!', publishTo: 'callsheet' } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['name', 'owner']));
    const refused = await previewTask({ db, clock: systemClock, runner: runner() }, { templateRef: 'template:default/docs-site', requester: ada, values: {} });
    expect(refused).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/You may not run/) }] });
  });

  it('gives actions that support dry run isDryRun, and never calls the others', async () => {
    const seen: unknown[] = [];
    const probe = createAction({ id: 'test:probe', description: 'records isDryRun', supportsDryRun: true, schema: z.object({}).strict(), handler: async (ctx) => void seen.push(ctx.isDryRun) });
    const publish = createAction({ id: 'test:publish', description: 'must not run', schema: z.object({ to: z.string() }).strict(), handler: async () => void seen.push('published') });
    const template = templateEntity('probe', { steps: [{ id: 'p', action: 'test:probe' }, { id: 'pub', action: 'test:publish', input: { to: 'x' } }, { id: 'after', action: 'test:probe', if: '${{ steps.pub.output.url }}' }] });
    await addSource(db, 'probe-templates', work, true, [await recordOf(template, 'probe/template.yaml')]);
    const previewed = await previewTask(
      { db, clock: systemClock, runner: { ...runner(), actions: createActionRegistry([probe, publish]) }, locateTemplate: async () => work },
      { templateRef: 'template:default/probe', requester: ada, values: {} },
    );
    expect(previewed.ok && previewed.result.steps.map((s) => s.status)).toEqual(['completed', 'skipped', 'completed']);
    expect(seen).toEqual([true, true]);
  });
});
