/**
 * The 10 public conformance templates (backstage/software-templates and create-app's) in a catalog
 * with the fake GitHub behind every GitHub action, the fake GitLab behind GITLAB_URL (as gitlab.com),
 * the real sync service for catalog:register, and a worker with all of Callsheet's actions. Shared by the end-to-end tests and `npm run bench:templates`.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { systemClock } from '../../src/clock.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { createGitlabClient } from '../../src/gitlab/client.js';
import type { Logger } from '../../src/logger.js';
import { silentLogger } from '../../src/logger.js';
import type { DigestSender } from '../../src/nudges/ports.js';
import { chatNotificationDelivery } from '../../src/nudges/notify-chat.js';
import { missingActionReason } from '../../src/scaffolder/actions/catalogue.js';
import { builtinActions, type ActionRegistry } from '../../src/scaffolder/actions/index.js';
import { dbCatalogReader } from '../../src/scaffolder/catalog-reader.js';
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import { configureRunnableActions } from '../../src/scaffolder/preflight.js';
import { syncRegistrar } from '../../src/scaffolder/registrar.js';
import { remoteReader } from '../../src/scaffolder/remote-reader.js';
import { createWorker, type Worker } from '../../src/scaffolder/worker.js';
import { createSyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { addSource, recordOf } from './scaffolder.js';
import { syncConfig } from './sync-fixtures.js';

export const conformanceDir = new URL('../fixtures/conformance/templates/', import.meta.url).pathname;

/** The org the templates' OwnerPicker and notification:send (create-app's `user:default/guest`) need. */
export const conformancePeople = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a', annotations: { 'slack.com/channel-id': 'C0TEAMA' } }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'guest', annotations: { 'slack.com/user-id': 'U0GUEST' } }, spec: { profile: { displayName: 'Guest' }, memberOf: ['team-a'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'examples' }, spec: { owner: 'team-a' } },
];

/**
 * The data set leaves out rails-demo's `template/` folder (its content is a Rails application
 * template, Ruby code, and the data set holds no scripts), so the bed puts this small one there,
 * beside the unchanged template.yaml: the form's default `./rails-template-file.rb` names it.
 */
export const RAILS_APP_TEMPLATE = [
  '# A Rails application template (https://guides.rubyonrails.org/rails_application_templates.html).',
  "file 'docs/index.md', \"# #{app_name}\\n\\nMade from the rails-demo template.\\n\"",
  '',
].join('\n');

export interface ConformanceTemplate {
  folder: string;
  name: string;
  title: string;
}

export async function conformanceTemplates(): Promise<ConformanceTemplate[]> {
  const out: ConformanceTemplate[] = [];
  for (const folder of (await readdir(conformanceDir)).sort()) {
    const raw = yaml.load(await readFile(join(conformanceDir, folder, 'template.yaml'), 'utf8')) as { metadata: { name: string; title?: string } };
    out.push({ folder, name: raw.metadata.name, title: raw.metadata.title ?? raw.metadata.name });
  }
  return out;
}

export interface ConformanceBed {
  database: TestDatabase;
  github: FakeGithub;
  /** The fake GitLab behind GITLAB_URL (gitlab-merge-request opens its merge request on `acme/monorepo`). */
  gitlab: FakeGitlab;
  client: GithubClient;
  worker: Worker;
  /** The registry the worker runs, whose ids the preflight was configured with. */
  actions: ActionRegistry;
  work: string;
  close(): Promise<void>;
}

export async function startConformanceBed(options: { notifier: TaskNotifier; senders?: () => DigestSender[]; logger?: Logger; database?: TestDatabase }): Promise<ConformanceBed> {
  const logger = options.logger ?? silentLogger();
  const database = options.database ?? (await createTestDatabase());
  const db = database.db;
  const work = await mkdtemp(join(tmpdir(), 'callsheet-conformance-'));
  // The pull-request template fetches https://github.com/backstage/community/tree/main/backstage-community-sessions.
  const backstage = new FakeOrg('backstage');
  backstage.addRepo('community', { files: { 'backstage-community-sessions/README.md': '# Backstage Community Sessions\n', 'backstage-community-sessions/assets/agenda.md': '- intro\n' } });
  const github = await startFakeGithub({ org: new FakeOrg('acme'), others: [backstage] });
  github.org.addRepo('monorepo', { files: { 'README.md': '# monorepo\n' } });
  const gitlabModel = new FakeGitlabModel();
  gitlabModel.addProject('acme/monorepo', { files: { 'README.md': '# monorepo\n' } });
  const gitlab = await startFakeGitlab({ model: gitlabModel, tokens: ['gitlab-test-token'] });
  const client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
  await addSource(db, './org', '/org', false, await Promise.all(conformancePeople.map((d, i) => recordOf(d, `org-${i}.yaml`))));
  const templatesDir = join(work, 'templates');
  await cp(conformanceDir, templatesDir, { recursive: true });
  await mkdir(join(templatesDir, 'backstage-software-templates--rails-demo', 'template'));
  await writeFile(join(templatesDir, 'backstage-software-templates--rails-demo', 'template', 'rails-template-file.rb'), RAILS_APP_TEMPLATE);
  const records = [];
  for (const t of await conformanceTemplates()) records.push(await recordOf(yaml.load(await readFile(join(templatesDir, t.folder, 'template.yaml'), 'utf8')), `${t.folder}/template.yaml`));
  await addSource(db, 'conformance', templatesDir, true, records);
  const sync = createSyncService({
    db,
    config: syncConfig({ DATA_DIR: join(work, 'data') }),
    logger,
    clock: systemClock,
    drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, client: async () => client, apiUrl: github.apiUrl, logger }) },
  });
  // The templates' RepoUrlPickers allow github.com: that is the configured GitHub here, served by the fake.
  const ghOptions = { client: async () => client, host: 'github.com' };
  // GITLAB_URL and GITLAB_TOKEN as the service reads them, pointed at the fake; the templates'
  // RepoUrlPicker allows gitlab.com, which is the configured GitLab here (as github.com is the fake GitHub).
  const gitlabEnv = { GITLAB_URL: gitlab.url, GITLAB_TOKEN: 'gitlab-test-token' };
  const gitlabApi = createGitlabClient({ url: gitlabEnv.GITLAB_URL, token: gitlabEnv.GITLAB_TOKEN, logger });
  const glOptions = { client: () => gitlabApi, host: 'gitlab.com' };
  const actions = builtinActions({
    registrar: syncRegistrar({ db, sync, githubWebUrl: github.url, policy: { allowedHosts: [], reposDir: join(work, 'data', 'repos') } }),
    publishGit: { reposDir: join(work, 'data', 'repos') },
    github: ghOptions,
    gitlab: glOptions,
    remote: remoteReader({ github: ghOptions, policy: { allowedHosts: [] } }),
    catalog: dbCatalogReader(db),
    notifications: chatNotificationDelivery({ db, senders: options.senders ?? (() => []) }),
  });
  // fetch:rails is there where a `rails` program is (bash .ci/run installs Debian's); else refused with the reason.
  configureRunnableActions(actions.ids(), missingActionReason);
  const worker = createWorker({ db, clock: systemClock, logger, workerId: 'conformance', notifier: options.notifier, actions, workDir: join(work, 'tasks') });
  return {
    database,
    github,
    gitlab,
    client,
    worker,
    actions,
    work,
    async close() {
      await github.close();
      await gitlab.close();
      if (!options.database) await database.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
