import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_EVENT_TYPE } from '../../adapters/slack/digest-sender.js';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FIX_VALUE_ACTION, FIX_VIEW } from '../../adapters/slack/nudge-actions.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { query, type Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { UNOWNED } from '../../src/nudges/evaluate.js';
import { createPacer } from '../../src/nudges/pacer.js';
import type { DigestSender, PullRequestOpener, PullRequestRequest } from '../../src/nudges/ports.js';
import { createNudgeRunner, type NudgeRunnerDeps } from '../../src/nudges/run.js';
import { viewProblem, type FakeMessage } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedNudgeCatalog, setCommittedDaysAgo } from '../helpers/nudge-seed.js';
import { blockText, interact, optionsLoad, viewSubmission } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const now = new Date('2026-06-01T09:00:00Z');
const TEAMS = ['group:default/ghosts', 'group:default/lonely', 'group:default/nobody-team', 'group:default/payments', 'group:default/search', UNOWNED].sort();
const CHANNELS = ['C0PAYMENTS', 'DU0BOB', 'C0FALLBACK'];
const VAULT = 'https://github.example/acme/vault/blob/main/catalog-info.yaml';
const VAULT_YAML = '# The secrets store\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: vault\n  description: Secrets\nspec:\n  type: service\n  lifecycle: production\n  owner: ghosts # nobody left\n  system: payments-system\n';

/** A real in-process PullRequestOpener over an in-memory repository that records what it opened (GitHub is not this part's). */
function recordingOpener(files: Record<string, string>): PullRequestOpener & { opened: PullRequestRequest[] } {
  const opened: PullRequestRequest[] = [];
  return {
    opened,
    handles: (url) => Object.hasOwn(files, url),
    async readFile(url) {
      return files[url];
    },
    async open(request) {
      opened.push(request);
      return { url: `https://github.example/acme/vault/pull/${opened.length}` };
    },
  };
}

/** A promise that never settles: a replica frozen (as good as killed) at that point. */
const freeze = () => new Promise<void>(() => {});
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

describe('nudge digests and their buttons in Slack', () => {
  let database: TestDatabase;
  let db: Db;
  let bed: Testbed;
  let features: SlackFeatures;
  const opener = recordingOpener({ [VAULT]: VAULT_YAML });

  const runner = (senders: DigestSender[], extra: Partial<NudgeRunnerDeps> = {}) =>
    createNudgeRunner({
      db,
      clock: fixedClock(now),
      logger: silentLogger(),
      instanceId: 'test',
      senders,
      directories: [features.memberDirectory],
      fallback: { platform: 'slack', target: 'C0FALLBACK' },
      staleAfterDays: 180,
      pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }),
      ...extra,
    });

  /** Every digest message of a run in the fake, as `team channel`. */
  const digestsOf = (runId: number) =>
    CHANNELS.flatMap((channel) =>
      bed.fake
        .messages(channel)
        .filter((m) => m.metadata?.event_type === DIGEST_EVENT_TYPE && String(m.metadata.event_payload.key).startsWith(`callsheet-nudge/${runId}/`))
        .map((m) => ({ team: String(m.metadata!.event_payload.team), channel, message: m })),
    );
  const teamsOf = (runId: number) => digestsOf(runId).map((d) => d.team).sort();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await seedNudgeCatalog(db, now);
    await setCommittedDaysAgo(db, 'payments-api', 300, now);
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger: silentLogger(), clock: fixedClock(now), config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, opener });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ALICE', email: 'alice@example.com', name: 'Alice' });
    bed.fake.addUser({ id: 'U0BOB', email: 'bob@example.com', name: 'Bob' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  let firstRun: number;

  it('posts each team one digest: its channel, DMs to members found in Slack, else the fallback channel', async () => {
    const outcome = await runner([features.digestSender]).runSlot('first');
    expect(outcome).toMatchObject({ claimed: true, done: true, counts: { sent: 6 } });
    firstRun = outcome.runId!;
    expect(teamsOf(firstRun)).toEqual(TEAMS);
    const where = Object.fromEntries(digestsOf(firstRun).map((d) => [d.team, d.channel]));
    expect(where).toEqual({
      'group:default/payments': 'C0PAYMENTS',
      'group:default/search': 'DU0BOB',
      'group:default/lonely': 'C0FALLBACK',
      'group:default/ghosts': 'C0FALLBACK',
      'group:default/nobody-team': 'C0FALLBACK',
      [UNOWNED]: 'C0FALLBACK',
    });
    // bob by email (users.lookupByEmail, cached); carol is not in Slack, so lonely falls back.
    expect(bed.fake.accepted('users.lookupByEmail').map((c) => c.args.email)).toContain('bob@example.com');
    expect(bed.fake.accepted('conversations.open').map((c) => c.args.users)).toContain('U0BOB');
    const [payments] = bed.fake.messages('C0PAYMENTS');
    expect(payments.text).toBe('Catalog digest for payments: 2 things need attention');
    expect(payments.metadata).toEqual({ event_type: DIGEST_EVENT_TYPE, event_payload: { key: `callsheet-nudge/${firstRun}/group:default/payments/slack/C0PAYMENTS`, run: firstRun, team: 'group:default/payments' } });
    expect(blockText(payments.blocks)).toContain('Still accurate');
  });

  it('sends nothing twice after a replica died between posting and recording: findSent reads the history', async () => {
    const real = features.digestSender;
    let reached!: () => void;
    const frozen = new Promise<void>((resolve) => (reached = resolve));
    let n = 0;
    const dyingSender: DigestSender = {
      platform: 'slack',
      findSent: real.findSent,
      async send(route, reply, meta) {
        const sent = await real.send(route, reply, meta);
        if (++n === 3) {
          reached();
          await freeze();
        }
        return sent;
      },
    };
    const dying = runner([dyingSender], { instanceId: 'dying' });
    void dying.runSlot('crash');
    await frozen;
    dying.stop();
    const [{ id: runId }] = await query<{ id: number }>(db, sql`select id from nudge_runs where slot = 'crash'`);
    expect(digestsOf(Number(runId))).toHaveLength(3);

    const historyBefore = bed.fake.accepted('conversations.history').length;
    const [outcome] = await runner([features.digestSender], { instanceId: 'rescuer', heartbeatTimeoutMs: 0 }).resumeStale();
    expect(outcome).toMatchObject({ claimed: true, done: true });
    expect(teamsOf(Number(runId))).toEqual(TEAMS);
    expect(bed.fake.accepted('conversations.history').length).toBe(historyBefore + 1);
    const rows = await query<{ team_ref: string; status: string; messages: Array<{ ts: string }> }>(db, sql`select team_ref, status, messages from nudge_deliveries where run_id = ${runId} order by team_ref`);
    expect(rows.every((r) => r.status === 'sent' && r.messages.length === 1)).toBe(true);
    // The interrupted team's row records the message that was already there.
    const posted = new Set(digestsOf(Number(runId)).map((d) => d.message.ts));
    expect(rows.every((r) => posted.has(r.messages[0].ts))).toBe(true);
  });

  it('honours a 429 with Retry-After and still posts each digest once; a refusal fails only that delivery', async () => {
    bed.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const attemptsBefore = bed.fake.attempts('chat.postMessage').length;
    const outcome = await runner([features.digestSender], { pacer: createPacer({ perTargetIntervalMs: 0, platformPerMinute: 1_000_000 }) }).runSlot('limited');
    expect(outcome).toMatchObject({ done: true, counts: { sent: 6 } });
    const attempts = bed.fake.attempts('chat.postMessage').slice(attemptsBefore);
    expect(attempts.map((c) => c.status)).toEqual([429, 200, 200, 200, 200, 200, 200]);
    expect(teamsOf(outcome.runId!)).toEqual(TEAMS);

    bed.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const refused = await runner([features.digestSender]).runSlot('refused');
    expect(refused.counts).toEqual({ failed: 1, sent: 5 });
    const [failed] = await query<{ error: string }>(db, sql`select error from nudge_deliveries where run_id = ${refused.runId} and status = 'failed'`);
    expect(failed.error).toMatch(/not_in_channel \(invite Callsheet to the channel\)/);
  });

  const buttonsOf = (message: FakeMessage) => message.blocks!.flatMap((b: any) => b.elements ?? []).filter((e: any) => e.type === 'button');
  const press = async (message: FakeMessage, channel: string, label: string, user: string, entity: string) => {
    const button = buttonsOf(message).find((e: any) => e.text.text === label && JSON.parse(e.value).entity === entity);
    expect(button, `${label} for ${entity}`).toBeDefined();
    const res = await bed.click(buttonClick({ actionId: button.action_id, value: button.value, user, responseUrl: bed.fake.responseUrl(`click-${label}`), container: { type: 'message', message_ts: message.ts, channel_id: channel, is_ephemeral: false } }));
    expect(res.status).toBe(200);
  };

  it('Still accurate records a review and updates the digest to say who confirmed it', async () => {
    const message = digestsOf(firstRun).find((d) => d.team === 'group:default/payments')!.message;
    await press(message, 'C0PAYMENTS', 'Still accurate', 'U0ALICE', 'component:default/payments-api');
    await eventually(() => expect(message.edits).toBe(1));
    expect(blockText(message.blocks)).toContain('✓ Confirmed accurate by Alice');
    expect(await query(db, sql`select entity_ref, by, platform from reviews`)).toEqual([{ entity_ref: 'component:default/payments-api', by: 'user:default/alice', platform: 'slack' }]);
    expect(buttonsOf(message).filter((b: any) => JSON.parse(b.value).entity === 'component:default/payments-api' && JSON.parse(b.value).rule === 'stale')).toEqual([]);
  });

  it('Snooze hides the finding for the chosen days and shows until when, and by whom', async () => {
    const message = digestsOf(firstRun).find((d) => d.team === 'group:default/payments')!.message;
    await press(message, 'C0PAYMENTS', 'Snooze 90 days', 'U0ALICE', 'api:default/payments-rest');
    await eventually(() => expect(message.edits).toBe(2));
    expect(blockText(message.blocks)).toContain('Snoozed by Alice until 2026-08-30');
    expect(await query(db, sql`select entity_ref, rule, by from snoozes`)).toEqual([{ entity_ref: 'api:default/payments-rest', rule: 'deprecated-in-use', by: 'user:default/alice' }]);
  });

  it('Fix owner opens a modal with a Group picker; submitting opens a pull request naming the requester and updates the digest', async () => {
    const { message } = digestsOf(firstRun).find((d) => d.team === 'group:default/ghosts')!;
    await press(message, 'C0FALLBACK', 'Fix', 'U0ALICE', 'component:default/vault');
    await eventually(() => expect(bed.fake.accepted('views.open').at(-1)?.args.view.callback_id).toBe(FIX_VIEW));
    const modal = bed.fake.accepted('views.open').at(-1)!.args;
    expect(modal.trigger_id).toBe('1111.2222.abcd');
    expect(viewProblem(modal.view)).toBeUndefined();

    const groups = await interact(bed, optionsLoad(modal.view, 'value', FIX_VALUE_ACTION, 'pay', { user: 'U0ALICE' }));
    expect(groups.json.options.map((o: any) => o.value)).toEqual(['group:default/payments']);

    const submitted = await interact(bed, viewSubmission(modal.view, { value: { selected_option: { value: 'group:default/payments' } } }, { user: 'U0ALICE', viewId: 'V0FIX' }));
    expect(submitted.json.response_action).toBe('update');
    await eventually(() => expect(bed.fake.accepted('views.update').at(-1)?.args.view_id).toBe('V0FIX'));
    expect(blockText(bed.fake.accepted('views.update').at(-1)!.args.view.blocks)).toContain('Opened a pull request: <https://github.example/acme/vault/pull/1|');
    const [pr] = opener.opened;
    expect(pr.newContent).toBe(VAULT_YAML.replace('owner: ghosts # nobody left', 'owner: group:default/payments # nobody left'));
    expect(pr.body).toContain('Requested by Alice (user:default/alice) from slack');
    await eventually(() => expect(blockText(message.blocks)).toContain('Fix proposed by Alice: <https://github.example/acme/vault/pull/1|'));
  });

  it('Fix for a file no opener handles gives the edit link, in the modal and on the digest', async () => {
    const { message } = digestsOf(firstRun).find((d) => d.team === 'group:default/search')!;
    await press(message, 'DU0BOB', 'Fix', 'U0BOB', 'component:default/search-web');
    await eventually(() => expect(JSON.parse(bed.fake.accepted('views.open').at(-1)!.args.view.private_metadata).entity).toBe('component:default/search-web'));
    const modal = bed.fake.accepted('views.open').at(-1)!.args.view;
    const rule = JSON.parse(modal.private_metadata).rule;
    const value = rule === 'missing-system' ? { selected_option: { value: 'system:default/payments-system' } } : rule === 'missing-docs' ? { value: 'dir:.' } : { value: 'The public search site' };
    await interact(bed, viewSubmission(modal, { value }, { user: 'U0BOB', viewId: 'V0EDIT' }));
    const link = 'https://github.example/acme/search-web/blob/main/catalog-info.yaml';
    await eventually(() => expect(blockText(bed.fake.accepted('views.update').at(-1)?.args.view.blocks)).toContain(`<${link}|edit the file>`));
    expect(opener.opened).toHaveLength(1);
    await eventually(() => expect(blockText(message.blocks)).toContain(`Fix proposed by Bob: <${link}|`));
  });
});
