/**
 * A skeleton path with a symlink in the middle (`url: ./midlink/inner`, `midlink -> /outside`)
 * copied files from outside the template's folder (issue 13): the text of the path stayed inside,
 * its real path did not. The real service runs the template from a folder source.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { submitTask } from '../../src/scaffolder/service.js';
import { getTask } from '../../src/scaffolder/tasks.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const templateYaml = (name: string, action: string, url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: ${name} }
spec:
  owner: group:default/platform
  type: service
  parameters: []
  steps:
    - id: fetch
      name: Fetch
      action: ${action}
      input:
        url: ${url}
        ${action === 'fetch:template:file' ? 'targetPath: ./out.txt' : 'targetPath: ./out'}
`;

let work: string;
let database: TestDatabase | undefined;
let service: RunningService;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'callsheet-skeleton-'));
  const outsideDir = join(work, 'outside');
  await mkdir(join(outsideDir, 'inner'), { recursive: true });
  await writeFile(join(outsideDir, 'inner', 'id_rsa'), 'PRIVATE KEY FROM OUTSIDE THE TEMPLATE\n');
  const templates = join(work, 'templates');
  for (const [name, action, url] of [
    ['mid-template', 'fetch:template', './midlink/inner'],
    ['mid-plain', 'fetch:plain', './midlink/inner'],
    ['mid-file', 'fetch:template:file', './midlink/inner/id_rsa'],
    ['deep-link', 'fetch:plain', './skeleton/sub/deeper'],
    ['fine', 'fetch:template', './skeleton'],
  ] as const) {
    const dir = join(templates, name);
    await mkdir(join(dir, 'skeleton', 'sub'), { recursive: true });
    await writeFile(join(dir, 'skeleton', 'README.md'), 'inside\n');
    await symlink(outsideDir, join(dir, 'midlink'));
    if (name !== 'fine') await symlink(join(outsideDir, 'inner'), join(dir, 'skeleton', 'sub', 'deeper'));
    await writeFile(join(dir, 'template.yaml'), templateYaml(name, action, url));
  }
  const env: Record<string, string> = { DATA_DIR: join(work, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NUDGE_ENABLED: 'false', CATALOG_SOURCES: '', TEMPLATE_SOURCES: templates };
  if (testDatabaseUrl()) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
  }
  service = await startService(loadConfig(env), { shell: false, logger: silentLogger() });
  await service.firstSync;
});
afterAll(async () => {
  await service?.stop();
  await database?.close();
  await rm(work, { recursive: true, force: true });
});

async function run(name: string) {
  const { db } = service.runtime.database;
  const submitted = await submitTask(db, service.runtime.clock, { templateRef: `template:default/${name}`, requester: { platform: 'shell' }, values: {} });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted.errors));
  for (;;) {
    const task = (await getTask(db, submitted.task.id))!;
    if (task.status === 'completed' || task.status === 'failed') return task;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('skeleton paths', () => {
  it.each(['mid-template', 'mid-plain', 'mid-file', 'deep-link'])('%s: a symlink on the way to the skeleton is refused', async (name) => {
    const task = await run(name);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/symbolic link/);
    expect(JSON.stringify(task)).not.toContain('PRIVATE KEY');
  });

  it('a plain skeleton folder still works', async () => {
    const task = await run('fine');
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
  });
});
