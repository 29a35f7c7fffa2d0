/**
 * Issue 13, "Audit log you can read": commands, buttons, modal submissions, scaffolder tasks, API
 * calls with a token and permission refusals are rows; `audit` answers admins only; `callsheet
 * audit` prints JSON lines; AUDIT_RETENTION_DAYS prunes under a lease; secrets never appear.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FORM_PAGE } from '../../adapters/slack/render-form.js';
import { ACTION } from '../../adapters/slack/render-reply.js';
import { recordAudit } from '../../src/audit/record.js';
import { AUDIT_PRUNE_LEASE, pruneAuditOnce } from '../../src/audit/retention.js';
import { scrubText } from '../../src/audit/scrub.js';
import { createAuditCli } from '../../src/cli/audit.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/index.js';
import { query, type Db } from '../../src/db/client.js';
import { openDatabaseFromConfig } from '../../src/db/from-config.js';
import { acquireLease } from '../../src/db/leases.js';
import { createHttpApp, startHttpServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { markOrgSource } from '../helpers/org-source.js';
import { addSource, recordOf, templateEntity } from '../helpers/scaffolder.js';
import { interact, viewSubmission } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const people = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { memberOf: ['team-a'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'pat', annotations: { 'slack.com/user-id': 'U0PAT' } }, spec: { memberOf: ['platform'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } },
];

const PASSWORD = 'hunter2-very-secret-value';
const SLACK_TOKEN = 'xoxb-1234567890-abcdefghijklmnop';
const GITHUB_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

const deployTemplate = templateEntity(
  'deploy-key',
  {
    parameters: [{ title: 'Key', required: ['name', 'apiKey'], properties: { name: { type: 'string', title: 'Name' }, apiKey: { type: 'string', title: 'API key', 'ui:widget': 'password' } } }],
  },
  { 'callsheet.io/allowed-groups': 'platform' },
);

const once = (fn: () => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
};
const eventually = (check: () => Promise<void> | void) => vi.waitFor(check, { timeout: 15_000, interval: 25 });
const rows = (db: Db) => query<Record<string, any>>(db, sql`select * from audit_log order by id`);

describe('audit log', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let features: SlackFeatures;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    await addSource(db, './catalog', '/catalog', false, await Promise.all(people.map((d, i) => recordOf(d, `org-${i}.yaml`))));
    await markOrgSource(db, './catalog', { target: '/catalog' });
    await addSource(db, 'templates', '/templates', true, [await recordOf(deployTemplate, 'deploy/template.yaml')]);
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger: silentLogger(), clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl } });
      // As serve wires it: chat contexts carry CALLSHEET_ADMINS.
      return { runLine: (line, ctx) => runLine(line, { ...ctx, adminGroups: ['platform'] }), actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ADA', name: 'Ada' });
    bed.fake.addUser({ id: 'U0PAT', name: 'Pat' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('a slash command is a row with platform, user, channel, text and outcome, its token scrubbed', async () => {
    const res = await bed.slash('/catalog', `owner ledger ${SLACK_TOKEN}`, { user: 'U0ADA' });
    expect(res.status).toBe(200);
    await eventually(async () => {
      const row = (await rows(database.db)).find((r) => r.action === 'command' && r.target === 'owner');
      expect(row).toMatchObject({ platform: 'slack', actor: 'U0ADA', actor_ref: 'user:default/ada', channel: 'C0GENERAL' });
      expect(row!.text).toContain('owner ledger');
      expect(['ok', 'error']).toContain(row!.outcome);
    });
    expect(JSON.stringify(await rows(database.db))).not.toContain(SLACK_TOKEN);
  });

  it('a button that runs a line is a row', async () => {
    await bed.click(buttonClick({ actionId: `${ACTION.run}:0`, value: 'owner ledger', user: 'U0ADA', responseUrl: bed.fake.responseUrl('run-a') }));
    await eventually(async () => expect((await rows(database.db)).some((r) => r.action === 'run' && r.text === 'owner ledger' && r.actor === 'U0ADA')).toBe(true));
  });

  it('a refused template is a refusal row', async () => {
    await bed.slash('/catalog', 'create deploy-key', { user: 'U0ADA' });
    await eventually(async () => expect((await rows(database.db)).find((r) => r.action === 'command' && r.target === 'create' && r.actor === 'U0ADA')).toMatchObject({ outcome: 'refused' }));
  });

  it('a modal submission and the task it creates are rows, without the password', async () => {
    const page = { callback_id: FORM_PAGE, private_metadata: JSON.stringify({ t: 'template:default/deploy-key', p: 0, vals: {} }), blocks: [
      { type: 'input', block_id: 'f:name', element: { type: 'plain_text_input', action_id: 'callsheet.create.field' } },
      { type: 'input', block_id: 'f:apiKey', element: { type: 'plain_text_input', action_id: 'callsheet.create.field' } },
    ] };
    const submitted = await interact(bed, viewSubmission(page, { 'f:name': { value: 'svc' }, 'f:apiKey': { value: PASSWORD } }, { user: 'U0PAT' }));
    expect(submitted.status).toBe(200);
    expect(submitted.json).toEqual({ response_action: 'clear' });
    await eventually(async () => {
      const all = await rows(database.db);
      expect(all.find((r) => r.action === 'modal.submit' && r.actor === 'U0PAT')).toMatchObject({ target: 'template:default/deploy-key', outcome: 'ok', actor_ref: 'user:default/pat' });
      expect(all.find((r) => r.action === 'task.create')).toMatchObject({ platform: 'slack', target: 'template:default/deploy-key', outcome: 'ok', actor_ref: 'user:default/pat' });
    });
    const all = await rows(database.db);
    expect(all.find((r) => r.action === 'task.create')!.details.values).toEqual({ name: 'svc' });
    expect(JSON.stringify(all)).not.toContain(PASSWORD);
  });

  it('`audit` is refused to a non-admin (and that is a row), answered for an admin', async () => {
    const refused = await bed.slash('/catalog', 'audit', { user: 'U0ADA', hook: 'audit-ada' });
    const answer = refused.json ?? (await eventually(() => expect(bed.fake.accepted('response_url').find((c) => c.hook === 'audit-ada')).toBeTruthy()), bed.fake.accepted('response_url').find((c) => c.hook === 'audit-ada')!.args);
    expect(answer.text).toContain('Only members of the CALLSHEET_ADMINS groups');
    await eventually(async () => expect((await rows(database.db)).find((r) => r.target === 'audit' && r.actor === 'U0ADA')).toMatchObject({ outcome: 'refused' }));

    const allowed = await bed.slash('/catalog', 'audit ada --since 1d', { user: 'U0PAT', hook: 'audit-pat' });
    const shown = allowed.json ?? (await eventually(() => expect(bed.fake.accepted('response_url').find((c) => c.hook === 'audit-pat')).toBeTruthy()), bed.fake.accepted('response_url').find((c) => c.hook === 'audit-pat')!.args);
    const text = JSON.stringify(shown.blocks);
    expect(shown.text).toContain('Audit log: ada');
    expect(text).toContain('owner ledger');
    expect(text).not.toContain(SLACK_TOKEN);
  });

  it('an API call with a token is a row under the token name', async () => {
    const app = createHttpApp({ db: database.db, logger: silentLogger(), isReady: () => true, apiAuth: { tokens: [{ name: 'backstage-sync', secret: 's3cret-token-value' }] } });
    const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/catalog/entities?filter=kind=component`, { headers: { authorization: 'Bearer s3cret-token-value' } });
      expect(res.status).toBe(200);
      await eventually(async () => expect((await rows(database.db)).find((r) => r.platform === 'api')).toMatchObject({ actor: 'backstage-sync', action: 'api', text: 'GET /api/catalog/entities', outcome: 'ok' }));
      expect(JSON.stringify(await rows(database.db))).not.toContain('s3cret-token-value');
    } finally {
      await server.close();
    }
  });

  it('scrubs known secret shapes', () => {
    const text = scrubText(`a ${SLACK_TOKEN} b ${GITHUB_TOKEN} https://oauth2:${GITHUB_TOKEN}@git.example/r.git password=${PASSWORD} Bearer abcdefghijklmnop`, [PASSWORD]);
    for (const secret of [SLACK_TOKEN, GITHUB_TOKEN, PASSWORD, 'abcdefghijklmnop']) expect(text).not.toContain(secret);
    expect(text).toContain('git.example/r.git');
  });
});

describe('audit retention and the CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callsheet-audit-'));
    const url = testDatabaseUrl();
    if (url) {
      const database = await createTestDatabase();
      env = { DATABASE_URL: database.url!, DATA_DIR: dir };
      db = database.db;
      close = once(() => database.close());
    } else {
      env = { DATA_DIR: dir };
      const database = await openDatabaseFromConfig(loadConfig(env));
      db = database.db;
      close = once(() => database.close());
    }
    const now = Date.now();
    const day = 86_400_000;
    for (const [age, actor] of [[400, 'old'], [30, 'U0ADA'], [1, 'U0BOB']] as const) {
      await recordAudit(db, { at: new Date(now - age * day), platform: 'slack', actor, actorRef: actor === 'U0ADA' ? 'user:default/ada' : null, action: 'command', target: 'owner', text: `owner x ${GITHUB_TOKEN}`, outcome: 'ok' });
    }
  });
  afterAll(async () => {
    await close?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('prunes rows older than AUDIT_RETENTION_DAYS once, under a lease', async () => {
    const deps = { db, clock: systemClock, logger: silentLogger(), retentionDays: 365 };
    expect(await acquireLease(db, AUDIT_PRUNE_LEASE, 'replica-b', 60_000)).toBe(true);
    expect(await pruneAuditOnce({ ...deps, holder: 'replica-a' })).toBeUndefined();
    expect((await rows(db)).map((r) => r.actor)).toContain('old');
    await query(db, sql`delete from leases where name = ${AUDIT_PRUNE_LEASE}`);
    expect(await pruneAuditOnce({ ...deps, holder: 'replica-a' })).toBe(1);
    expect((await rows(db)).map((r) => r.actor).sort()).toEqual(['U0ADA', 'U0BOB']);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(loadConfig({}).AUDIT_RETENTION_DAYS).toBe(365);
  });

  it('`callsheet audit` prints JSON lines, oldest first, filtered by --since and --user', async () => {
    // The CLI opens the same database itself; PGlite allows one opener of a folder at a time.
    if (!testDatabaseUrl()) await close();
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(`ERR ${t}`), env };
    expect(await createAuditCli()(['--since', '60d'], io)).toBe(0);
    const lines = out.map((l) => JSON.parse(l));
    expect(lines.map((l) => l.actor)).toEqual(['U0ADA', 'U0BOB']);
    expect(lines[0]).toMatchObject({ platform: 'slack', action: 'command', outcome: 'ok', actorRef: 'user:default/ada' });
    expect(out.join('\n')).not.toContain(GITHUB_TOKEN);
    out.length = 0;
    expect(await createAuditCli()(['--since=60d', '--user', 'ada'], io)).toBe(0);
    expect(out.map((l) => JSON.parse(l).actor)).toEqual(['U0ADA']);
    out.length = 0;
    expect(await createAuditCli()(['--since', 'soon'], io)).toBe(2);
    expect(out[0]).toMatch(/--since/);
  });
});
