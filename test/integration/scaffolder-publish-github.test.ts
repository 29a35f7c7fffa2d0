import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { silentLogger } from '../../src/logger.js';
import { publishGithubAction } from '../../src/scaffolder/actions/publish-github.js';
import { createWorkspace } from '../../src/scaffolder/workspace.js';
import { FakeOrg } from '../fakes/github/model.js';
import { stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';

let fake: FakeGithub;
let client: GithubClient;
let dir: string;

beforeAll(async () => {
  fake = await startFakeGithub({ org: new FakeOrg('acme') });
  client = await createGithubClient({ token: 'test-token' }, { baseUrl: fake.apiUrl, logger: silentLogger(), serialSpacingMs: 0 });
  dir = await mkdtemp(join(tmpdir(), 'callsheet-publish-github-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(input: Record<string, unknown>) {
  const root = join(dir, `ws-${Math.random().toString(36).slice(2)}`);
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ledger }\nspec: { type: service, lifecycle: experimental, owner: payments }\n');
  await writeFile(join(root, 'src', 'index.ts'), 'export {};\n');
  const action = publishGithubAction({ client: async () => client, host: 'github.com' });
  const outputs: Record<string, unknown> = {};
  const log: string[] = [];
  await action.handler({
    input: action.schema.parse(input),
    workspace: createWorkspace(root),
    templateDir: dir,
    templateRef: 'template:default/t',
    logger: { info: (m) => log.push(m), warn: (m) => log.push(`warn ${m}`) },
    output: (k, v) => (outputs[k] = v),
    user: {},
    task: { id: 't' },
    secrets: {},
  });
  return { outputs, log };
}

describe('publish:github', () => {
  it('creates the repository from a Backstage-style repoUrl with all files in one commit', async () => {
    const { outputs, log } = await run({ repoUrl: 'github.com?owner=acme&repo=ledger', description: 'Ledger', defaultBranch: 'main', repoVisibility: 'private', topics: ['payments'] });
    expect(outputs.repoContentsUrl).toMatch(/\/acme\/ledger\/blob\/main$/);
    expect(outputs.commitHash).toMatch(/^[0-9a-f]{40}$/);
    const repo = fake.org.repos.get('ledger')!;
    expect([...repo.files.keys()].sort()).toEqual(['catalog-info.yaml', 'src/index.ts']);
    expect(stateOf(repo).topics).toEqual(['payments']);
    expect(log.join('\n')).toMatch(/2 files/);
  });

  it('accepts Backstage options it does not apply and says so, and refuses what Backstage refuses', async () => {
    const { log } = await run({ repoUrl: 'github.com?owner=acme&repo=ledger-2', protectDefaultBranch: true, requireCodeOwnerReviews: true });
    expect(log.join('\n')).toMatch(/Ignored by Callsheet's publish:github: protectDefaultBranch, requireCodeOwnerReviews/);
    // allowedHosts, which the public templates carry: outside Backstage's schema, accepted and reported.
    const other = await run({ repoUrl: 'github.com?owner=acme&repo=ledger-3', allowedHosts: ['github.com'] });
    expect(other.log.join('\n')).toMatch(/not an input of Backstage's publish:github either: allowedHosts/);
    // Backstage's schema is the judge of what it declares: a wrong type or a missing repoUrl is refused.
    await expect(run({ repoUrl: 'github.com?owner=acme&repo=x', protectDefaultBranch: 'yes' })).rejects.toThrow(/protectDefaultBranch.*boolean/);
    await expect(run({ description: 'no repo' })).rejects.toThrow(/repoUrl/);
  });

  it('refuses a repoUrl on another host than the configured GitHub', async () => {
    await expect(run({ repoUrl: 'gitlab.com?owner=acme&repo=elsewhere' })).rejects.toThrow(/not the configured GitHub/);
  });
});
