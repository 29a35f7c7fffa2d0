/**
 * A template from a `github:` source of TEMPLATE_SOURCES (against the fake GitHub): synced through the
 * GitHub API like a catalog source, trusted, and its folder (skeleton and all) read through the API
 * by the template locator for a task, then released.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { remoteReader } from '../../src/scaffolder/remote-reader.js';
import { sourceTemplateLocator } from '../../src/scaffolder/template-locator.js';
import { loadTemplate, locateWith } from '../../src/scaffolder/templates.js';
import { createSyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const templateYaml = [
  'apiVersion: scaffolder.backstage.io/v1beta3',
  'kind: Template',
  'metadata: { name: hello-gh }',
  'spec:',
  '  owner: group:default/platform',
  '  type: service',
  '  steps:',
  '    - { id: fetch, action: fetch:template, input: { url: ./skeleton } }',
  '',
].join('\n');

describe('TEMPLATE_SOURCES from github:', () => {
  let database: TestDatabase;
  let github: FakeGithub;
  let client: GithubClient;
  const logger = silentLogger();

  beforeAll(async () => {
    database = await createTestDatabase();
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    github.org.addRepo('templates', { files: { 'hello/template.yaml': templateYaml, 'hello/skeleton/catalog-info.yaml': 'kind: Component\nmetadata: { name: ${{ values.name }} }\n', 'hello/skeleton/README.md': '# hello\n' } });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
  });
  afterAll(async () => {
    await github?.close();
    await database?.close();
  });

  it('syncs the template as runnable and hands a task its folder, read through the API', async () => {
    const source = 'github:acme/templates?path=hello/template.yaml';
    const dataDir = await tempDir('callsheet-template-gh-');
    const sync = createSyncService({
      db: database.db,
      config: syncConfig({ DATA_DIR: dataDir, TEMPLATE_SOURCES: [source] }),
      logger,
      clock: systemClock,
      drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, client: async () => client, apiUrl: github.apiUrl, logger }) },
    });
    for (const report of await sync.syncAll()) expect(report.status, report.error).not.toBe('failed');
    const template = (await loadTemplate(database.db, 'template:default/hello-gh'))!;
    expect(template).toMatchObject({ trusted: true, sourceKind: 'github' });
    const host = new URL(github.url).host;
    const locate = sourceTemplateLocator({ db: database.db, dataDir, templateSources: [source], remote: remoteReader({ github: { host, client: async () => client }, policy: { allowedHosts: [], reposDir: join(dataDir, 'repos') } }) });
    const located = await locateWith(locate, template);
    expect(await readFile(join(located.dir, 'skeleton', 'README.md'), 'utf8')).toBe('# hello\n');
    expect(await readFile(join(located.dir, 'template.yaml'), 'utf8')).toBe(templateYaml);
    await located.release();
    await expect(stat(located.dir)).rejects.toThrow();
  });
});
