/**
 * The whole service (`startService`) telling owners in Slack about a catalog file that breaks, and
 * again when it is fixed: a real folder source, the service's own syncs and problem notifier, and
 * Slack's Web API played by the fake (which keeps each channel's history).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeSlack, type FakeSlack, type FakeMessage } from '../fakes/slack-api.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { component, writeFiles } from '../helpers/sync-fixtures.js';

const TOKEN = 'xoxb-problems';
const TEAM = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments\n  annotations: { slack.com/channel-id: C0PAY }\nspec: { type: team, children: [] }\n';
const EDIT = 'https://github.example/acme/pay/edit/main/svc.yaml';
const GOOD = component('pay-api', 'payments').replace('  name: pay-api\n', `  name: pay-api\n  annotations: { backstage.io/edit-url: ${EDIT} }\n`);
const BROKEN = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: pay-api\n  bad: [unclosed\n';

describe.sequential('problem notifications in Slack, through the whole service', () => {
  let fake: FakeSlack;
  let service: RunningService;
  let database: TestDatabase | undefined;
  let dataDir: string;
  let catalog: string;

  const text = (m: FakeMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
  async function waitFor(channel: string, count: number): Promise<FakeMessage[]> {
    for (let i = 0; i < 300 && fake.messages(channel).length < count; i++) await new Promise((r) => setTimeout(r, 100));
    return fake.messages(channel);
  }

  beforeAll(async () => {
    fake = await startFakeSlack({ token: TOKEN });
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-problems-e2e-'));
    catalog = await mkdtemp(join(tmpdir(), 'callsheet-problems-catalog-'));
    await writeFiles(catalog, { 'team.yaml': TEAM, 'svc.yaml': GOOD });
    if (testDatabaseUrl()) database = await createTestDatabase();
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...(database?.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4' } : {}),
      CATALOG_SOURCES: catalog,
      TEMPLATE_SOURCES: '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'true',
      NUDGE_FALLBACK_CHANNEL: 'C0FALLBACK',
      // The notifier passes every fifth of this (1 s).
      SYNC_INTERVAL: '5s',
      SLACK_SIGNING_SECRET: 'problems-secret',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: fake.apiUrl,
    });
    service = await startService(config, { shell: false, logger: silentLogger() });
    await service.firstSync;
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await database?.close();
    for (const dir of [dataDir, catalog]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('posts one message to the owners channel with file, line, message and edit link, then a "fixed" follow-up', async () => {
    expect(fake.messages('C0PAY')).toHaveLength(0);
    await writeFiles(catalog, { 'svc.yaml': BROKEN });
    await service.runtime.sync.syncAll();
    const [told] = await waitFor('C0PAY', 1);
    expect(told).toBeDefined();
    expect(text(told!)).toMatch(/Catalog problem in svc\.yaml:\d+/);
    expect(text(told!)).toContain(EDIT);
    expect(text(told!)).toMatch(/YAML error: Flow sequence/);

    // More syncs (the service's own every 5 s, and one here) keep the problem: nobody is told again.
    await service.runtime.sync.syncAll();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(fake.messages('C0PAY')).toHaveLength(1);

    await writeFiles(catalog, { 'svc.yaml': GOOD });
    await service.runtime.sync.syncAll();
    const messages = await waitFor('C0PAY', 2);
    expect(messages).toHaveLength(2);
    expect(text(messages[1]!)).toMatch(/Fixed: catalog problem in svc\.yaml/);
    expect(fake.messages('C0FALLBACK')).toHaveLength(0);
  }, 60_000);
});
