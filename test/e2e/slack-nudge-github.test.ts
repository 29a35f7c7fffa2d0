/**
 * The nudges' Fix button in Slack opening a real pull request on the fake GitHub API: a digest from a
 * nudge run, a signed click on Fix, the owner modal submitted, and the edit committed on a branch by the
 * production GitHub opener (contents read, sha checked, branch, commit, pull request).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_EVENT_TYPE } from '../../adapters/slack/digest-sender.js';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FIX_VIEW } from '../../adapters/slack/nudge-actions.js';
import { applySnapshot } from '../../src/catalog/store.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import type { Db } from '../../src/db/client.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { githubPullRequestOpener } from '../../src/github/pr-opener.js';
import { silentLogger } from '../../src/logger.js';
import { createPacer } from '../../src/nudges/pacer.js';
import { createNudgeRunner } from '../../src/nudges/run.js';
import { FakeOrg, type FakeRepo } from '../fakes/github/model.js';
import { branchHead, commitObject, filesAt, stateOf } from '../fakes/github/repo-state.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { viewProblem } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { markOrgSource } from '../helpers/org-source.js';
import { recordsFromYaml } from '../helpers/nudge-seed.js';
import { blockText, interact, viewSubmission } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const now = new Date('2026-06-01T09:00:00Z');
const logger = silentLogger();
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

const PEOPLE = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    slack.com/channel-id: C0PAYMENTS
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile: { email: alice@example.com }
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments-system
  description: Moving money
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  owner: payments
`;

/** The repository's file: a header comment, the component with an unknown owner, and a second document. */
const LEDGER_YAML = `# Ledger: owned by the team that books payments.
# Keep both documents in this file.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: Books # double-entry
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: nobody-team # renamed last spring
  system: payments-system
---
# The ledger's API, already owned correctly.
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ledger-rest
  description:   "The ledger's REST API"
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: openapi
  lifecycle: production
  owner: payments
  system: payments-system
  definition: "openapi: 3.0.0"
`;

describe('nudge Fix in Slack opens a pull request on GitHub', () => {
  let database: TestDatabase;
  let db: Db;
  let bed: Testbed;
  let features: SlackFeatures;
  let github: FakeGithub;
  let client: GithubClient;
  let repo: FakeRepo;
  let fileUrl: string;

  beforeAll(async () => {
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    repo = github.org.addRepo('payments', { files: { 'catalog-info.yaml': LEDGER_YAML, 'README.md': '# payments\n' } });
    client = await createGithubClient({ token: 'test-token' }, { baseUrl: github.apiUrl, logger, serialSpacingMs: 0 });
    fileUrl = `${github.url}/acme/payments/blob/main/catalog-info.yaml`;
    const host = new URL(fileUrl).host;
    const opener = githubPullRequestOpener({ client: async () => client, host });

    database = await createTestDatabase();
    db = database.db;
    const records = [
      ...(await recordsFromYaml(PEOPLE, (name) => `org/${name}.yaml`)),
      ...(await recordsFromYaml(LEDGER_YAML, () => 'catalog-info.yaml', () => fileUrl)),
    ];
    await markOrgSource(db, 'fixture');
    await applySnapshot(db, { sourceId: 'fixture', records, now });
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger, clock: fixedClock(now), config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, opener });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ALICE', email: 'alice@example.com', name: 'Alice' });
  });
  afterAll(async () => {
    await bed?.close();
    await github?.close();
    await database?.close();
  });

  it('Fix on an unknown owner commits the new owner on a branch, opens a pull request naming the requester, and updates the digest', async () => {
    const outcome = await createNudgeRunner({
      db,
      clock: fixedClock(now),
      logger,
      instanceId: 'test',
      senders: [features.digestSender],
      directories: [features.memberDirectory],
      fallback: { platform: 'slack', target: 'C0FALLBACK' },
      staleAfterDays: 180,
      pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
    }).runSlot('weekly');
    expect(outcome).toMatchObject({ claimed: true, done: true });

    const message = bed.fake.messages('C0FALLBACK').find((m) => m.metadata?.event_type === DIGEST_EVENT_TYPE && m.metadata.event_payload.team === 'group:default/nobody-team');
    expect(message, 'the digest of the unknown team').toBeDefined();
    const button = message!.blocks!
      .flatMap((b: any) => b.elements ?? [])
      .find((e: any) => e.type === 'button' && e.text.text === 'Fix' && JSON.parse(e.value).rule === 'unknown-owner');
    expect(button, 'Fix for the unknown owner').toBeDefined();
    expect(JSON.parse(button.value).entity).toBe('component:default/ledger');

    const baseHead = repo.head!;
    const clicked = await bed.click(
      buttonClick({ actionId: button.action_id, value: button.value, user: 'U0ALICE', responseUrl: bed.fake.responseUrl('click-fix'), container: { type: 'message', message_ts: message!.ts, channel_id: 'C0FALLBACK', is_ephemeral: false } }),
    );
    expect(clicked.status).toBe(200);
    await eventually(() => expect(bed.fake.accepted('views.open').at(-1)?.args.view.callback_id).toBe(FIX_VIEW));
    const modal = bed.fake.accepted('views.open').at(-1)!.args.view;
    expect(viewProblem(modal)).toBeUndefined();

    const submitted = await interact(bed, viewSubmission(modal, { value: { selected_option: { value: 'group:default/payments' } } }, { user: 'U0ALICE', viewId: 'V0FIX' }));
    expect(submitted.status).toBe(200);
    expect(submitted.json.response_action).toBe('update');

    const prUrl = `${github.url}/acme/payments/pull/1`;
    await eventually(() => expect(blockText(bed.fake.accepted('views.update').at(-1)?.args.view.blocks)).toContain(`Opened a pull request: <${prUrl}|`));

    // One pull request, open, from a new branch holding exactly one commit on top of main.
    const { pulls } = stateOf(repo);
    expect(pulls).toHaveLength(1);
    const [pr] = pulls;
    expect(pr).toMatchObject({ number: 1, state: 'open', base: 'main' });
    expect(pr.body).toContain('Requested by Alice (user:default/alice) from slack');
    const tip = commitObject(repo, branchHead(repo, pr.head)!)!;
    expect(tip.parents).toEqual([baseHead]);

    // The owner changed; the comments, the formatting and the other document are kept byte for byte.
    const edited = filesAt(repo, pr.head)!;
    expect(edited.get('catalog-info.yaml')!.text).toBe(LEDGER_YAML.replace('owner: nobody-team # renamed last spring', 'owner: group:default/payments # renamed last spring'));
    expect(edited.get('README.md')!.text).toBe('# payments\n');
    // Main is untouched until someone merges.
    expect(repo.head).toBe(baseHead);
    expect(repo.files.get('catalog-info.yaml')!.text).toBe(LEDGER_YAML);

    await eventually(() => expect(blockText(message!.blocks)).toContain(`Fix proposed by Alice: <${prUrl}|`));
  });
});
