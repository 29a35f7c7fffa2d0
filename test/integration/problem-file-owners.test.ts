/**
 * A broken file that never held an entity: its owners are those it names, else its repository's
 * CODEOWNERS (from the git tree for git sources, from GitHub's API for github: sources) mapped to
 * org Groups and Users, else NUDGE_FALLBACK_CHANNEL. Real syncs of a git repository and folders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createGithubClient } from '../../src/github/client.js';
import { sources } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { fileOwners } from '../../src/nudges/problem-file-owners.js';
import { notifyProblems } from '../../src/nudges/problem-notify.js';
import { createSyncService } from '../../src/sync/service.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { GitRepo, component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const ORG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations: { slack.com/channel-id: C-PAY, github.com/team-slug: acme/payments-devs }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ledger
  annotations: { slack.com/channel-id: C-LED }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ann
  annotations: { github.com/user-login: ann-gh }
spec: { profile: { email: ann@acme.test }, memberOf: [payments] }
`;
const BROKEN = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: half\n  bad: [unclosed\n';
const logger = silentLogger();

describe('problem notifications for a file that never held entities', () => {
  let database: TestDatabase;
  let github: FakeGithub;
  beforeAll(async () => {
    database = await createTestDatabase();
    const org = new FakeOrg('acme');
    org.addRepo('svc', { files: { 'catalog-info.yaml': BROKEN, '.github/CODEOWNERS': '# owners\n* @acme/payments-devs\n/docs/ ann@acme.test\n' } });
    org.addRepo('bare', { files: { 'catalog-info.yaml': BROKEN } });
    github = await startFakeGithub({ org });
  });
  afterAll(async () => {
    await github?.close();
    await database?.close();
  });

  it('tells the owners the file names, else its CODEOWNERS from the git tree, else the fallback channel', async () => {
    const orgDir = await tempDir();
    await writeFiles(orgDir, { 'org.yaml': ORG });
    const repo = await GitRepo.create();
    await repo.commit(
      {
        'ok.yaml': component('fine-api', 'payments'),
        'docs/CODEOWNERS': '* @acme/nobody\n',
        '.github/CODEOWNERS': '*.yaml @acme/payments-devs\n/teams/ @ann-gh\n',
        'broken.yaml': BROKEN,
        'named.yaml': `${BROKEN}spec:\n  owner: ledger\n`,
        'teams/x.yaml': BROKEN,
      },
      'first',
    );
    const plain = await tempDir();
    await writeFiles(plain, { 'broken.yaml': BROKEN });
    const dataDir = await tempDir();
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [orgDir, repo.url, plain], ORG_SOURCES: [orgDir] }), logger, clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();

    const platform = new RecordingPlatform();
    const result = await notifyProblems({
      db: database.db,
      logger,
      senders: [recordingSender(platform)],
      me: 'a',
      fallback: { platform: 'slack', target: 'C-FALLBACK' },
      directories: [{ platform: 'slack', chatIdsOf: async (members) => new Map(members.filter((m) => m.userRef === 'user:default/ann').map((m) => [m.userRef, 'U-ANN'])) }],
      fileOwners: (s, f) => fileOwners({ db: database.db, logger, dataDir }, s, f),
    });
    expect(result.failed).toBe(0);
    const where = (file: string, source: string) =>
      platform.posts.filter((p) => p.reply.header?.startsWith(`Catalog problem in ${file}`) && JSON.stringify(p.reply.context).includes(source)).map((p) => p.channel).sort();
    // Names its owner (a Group that exists).
    expect(where('named.yaml', repo.url)).toEqual(['C-LED']);
    // CODEOWNERS of the repository (.github/ first): `*.yaml` -> @acme/payments-devs -> group payments.
    expect(where('broken.yaml', repo.url)).toEqual(['C-PAY']);
    // The last matching line wins: /teams/ -> @ann-gh -> user ann, told in a DM.
    expect(where('teams/x.yaml', repo.url)).toEqual(['U-ANN']);
    // A folder with no CODEOWNERS and a file naming no one: the fallback channel.
    expect(where('broken.yaml', plain)).toEqual(['C-FALLBACK']);
  });

  it('reads CODEOWNERS of github: sources through the GitHub API', async () => {
    await database.db.insert(sources).values({ id: 'github:acme', kind: 'github', target: 'acme' }).onConflictDoNothing();
    const client = () => createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
    const deps = { db: database.db, logger, dataDir: '/nonexistent', github: client };
    expect(await fileOwners(deps, 'github:acme', 'acme/svc/catalog-info.yaml')).toEqual(['group:default/payments']);
    expect(await fileOwners(deps, 'github:acme', 'acme/svc/docs/catalog-info.yaml')).toEqual(['user:default/ann']);
    expect(await fileOwners(deps, 'github:acme', 'acme/bare/catalog-info.yaml')).toEqual([]);
    // Without a GitHub client nothing is guessed.
    expect(await fileOwners({ ...deps, github: undefined }, 'github:acme', 'acme/svc/catalog-info.yaml')).toEqual([]);
  });
});
