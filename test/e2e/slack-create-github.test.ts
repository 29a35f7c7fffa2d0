/**
 * A full scaffolder run from Slack publishing to the fake GitHub API: the shipped typescript-service
 * template through its modals with "GitHub" chosen, the worker's publish:github creating the repository
 * with the skeleton in one commit, and catalog:register syncing the new repository through the real
 * sync service and GitHub driver, both reading the fake.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FORM_PAGE } from '../../adapters/slack/render-form.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { entities, scaffolderTasks } from '../../src/db/schema.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { publishGithubAction } from '../../src/scaffolder/actions/publish-github.js';
import { syncRegistrar } from '../../src/scaffolder/registrar.js';
import { createWorker, type Worker } from '../../src/scaffolder/worker.js';
import { createSyncService } from '../../src/sync/service.js';
import { githubDriver } from '../../src/sync/sources/github.js';
import { FakeOrg } from '../fakes/github/model.js';
import { commitObject, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { viewProblem } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addShippedTemplates, addSource, recordOf, templatesDir } from '../helpers/scaffolder.js';
import { blockText, interact, viewSubmission } from '../helpers/slack-interactions.js';
import { startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';
import { syncConfig } from '../helpers/sync-fixtures.js';

const people = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-b' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { profile: { displayName: 'Ada' }, memberOf: ['team-a'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'payments' }, spec: { owner: 'team-a' } },
];

const logger = silentLogger();
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const input = (view: any, blockId: string) => view.blocks.find((b: any) => b.block_id === blockId);
const optionIndex = (view: any, blockId: string, label: string) => input(view, blockId).element.options.find((o: any) => o.text.text === label).value;

/** Every skeleton file's path in the new repository (the `.njk` template extension dropped). */
async function skeletonPaths(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await skeletonPaths(full, root)));
    else out.push(relative(root, full).split('\\').join('/').replace(/\.njk$/, ''));
  }
  return out.sort();
}

describe('/catalog create in Slack publishing to GitHub', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let features: SlackFeatures;
  let worker: Worker;
  let work: string;
  let github: FakeGithub;
  let client: GithubClient;
  const woken: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    work = await mkdtemp(join(tmpdir(), 'callsheet-slack-create-github-'));
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
    await addSource(db, './catalog', '/catalog', false, await Promise.all(people.map((d, i) => recordOf(d, `org-${i}.yaml`))));
    await addShippedTemplates(db);
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger, clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, worker: { wake: () => woken.push(Date.now()) } });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ADA', name: 'Ada' });
    const sync = createSyncService({
      db,
      config: syncConfig({ DATA_DIR: join(work, 'data') }),
      logger,
      clock: systemClock,
      drivers: { github: (rest) => githubDriver({ source: `github:${rest}`, client: async () => client, apiUrl: github.apiUrl, logger }) },
    });
    worker = createWorker({
      db,
      clock: systemClock,
      logger,
      workerId: 'slack-create-github',
      notifier: features.taskNotifier,
      actions: builtinActions({
        registrar: syncRegistrar({ db, sync, githubWebUrl: github.url, policy: { allowedHosts: [], reposDir: join(work, 'data', 'repos') } }),
        publishGit: { reposDir: join(work, 'data', 'repos') },
        // The template's RepoUrlPicker allows github.com: that is the configured GitHub here, served by the fake.
        extra: [publishGithubAction({ client: async () => client, host: 'github.com' })],
      }),
      workDir: join(work, 'tasks'),
    });
  });
  afterAll(async () => {
    await bed?.close();
    await github?.close();
    await database?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('creates the repository on GitHub with the whole skeleton in one commit, registers it, and links it in the progress DM', async () => {
    await bed.slash('/catalog', 'create typescript-service');
    await eventually(() => expect(bed.fake.accepted('views.update').at(-1)?.args.view.callback_id).toBe(FORM_PAGE));
    const page1 = bed.fake.accepted('views.update').at(-1)!.args.view;
    expect(viewProblem(page1)).toBeUndefined();

    const next = await interact(
      bed,
      viewSubmission(page1, {
        'f:name': { value: 'ledger-api' },
        'f:description': { value: 'Books every payment' },
        'f:owner': { selected_option: { value: 'group:default/team-b' } },
        'f:system': { selected_option: { value: 'system:default/payments' } },
        'f:lifecycle': { selected_option: { value: optionIndex(page1, 'f:lifecycle', 'production') } },
        'f:port': { value: '8081' },
      }),
    );
    expect(next.json.response_action).toBe('update');
    const page2 = next.json.view;
    const githubChoice = { selected_option: { value: optionIndex(page2, 'f:publishTo', 'GitHub') } };
    const asked = await interact(bed, viewSubmission(page2, { 'f:publishTo': githubChoice }));
    expect(asked.json.response_action).toBe('update');
    const withRepo = asked.json.view;
    expect(withRepo.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['f:publishTo', 'f:repoUrl']);
    const done = await interact(bed, viewSubmission(withRepo, { 'f:publishTo': githubChoice, 'f:repoUrl': { value: 'github.com?owner=acme&repo=ledger-api' } }));
    expect(done.json).toEqual({ response_action: 'clear' });

    await eventually(() => expect(woken).toHaveLength(1));
    const [task] = await database.db.select().from(scaffolderTasks);
    expect(task).toMatchObject({ templateRef: 'template:default/typescript-service', status: 'open', values: { name: 'ledger-api', publishTo: 'github', repoUrl: 'github.com?owner=acme&repo=ledger-api', owner: 'group:default/team-b' } });

    expect(bed.fake.messages('DU0ADA')).toHaveLength(1);
    expect(await worker.runOnce()).toBe(true);
    const [finished] = await database.db.select().from(scaffolderTasks);
    expect(finished.status).toBe('completed');

    // The repository exists on GitHub with every skeleton file in a single commit.
    const repo = github.org.repos.get('ledger-api');
    expect(repo, 'acme/ledger-api on the fake GitHub').toBeDefined();
    expect(stateOf(repo!).visibility).toBe('private');
    expect(stateOf(repo!).description).toBe('Books every payment');
    const head = commitObject(repo!, repo!.head!)!;
    expect(head.parents).toEqual([]);
    expect([...head.files.keys()].sort()).toEqual(await skeletonPaths(join(templatesDir, 'typescript-service', 'skeleton')));
    const catalogInfo = yaml.load(head.files.get('catalog-info.yaml')!.text!) as any;
    expect(catalogInfo).toMatchObject({ kind: 'Component', metadata: { name: 'ledger-api', description: 'Books every payment' }, spec: { owner: 'group:default/team-b', system: 'system:default/payments', lifecycle: 'production' } });

    // Registered from GitHub: the new component is in the catalog, read through the API.
    const [registered] = await database.db.select().from(entities).where(eq(entities.ref, 'component:default/ledger-api'));
    expect(registered).toMatchObject({ sourceId: 'github:acme/ledger-api', ownerRef: 'group:default/team-b' });
    expect(registered.fileUrl).toBe(`${github.url}/acme/ledger-api/blob/main/catalog-info.yaml`);
    const owner = await runLine('owner ledger-api', { db: database.db, clock: systemClock, logger, requester: { platform: 'slack' }, staleAfterDays: 180 });
    expect(owner.isError).toBeFalsy();
    expect(JSON.stringify(owner)).toContain('team-b');

    // The progress DM says it is done, with every step, and ends with the repository's link.
    const [message] = bed.fake.messages('DU0ADA');
    expect(message.blocks![0].text.text).toBe('TypeScript HTTP service — done');
    const final = blockText(message.blocks);
    expect(final).toMatch(/✓ Publish to GitHub/);
    expect(final).toMatch(/– Publish to a Git repository \(skipped\)/);
    expect(final).toMatch(/✓ Register in the catalog/);
    // publish:github's remoteUrl is the clone URL, as in Backstage (GitHub serves it as the repository page too).
    expect(final).toContain(`• <${github.url}/acme/ledger-api.git|Repository>`);
    expect(final).toContain('component:default/ledger-api');
  });
});
