/**
 * The Teams trust tests' shared bed: a real Teams adapter over HTTP (tokens signed by the test's
 * JWKS) on a fresh database, with Alice, a platform member from org data, a template restricted
 * to platform, and a logger the test can read.
 */
import yaml from 'js-yaml';
import { pino } from 'pino';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { addSource, recordOf } from './scaffolder.js';
import { restrictedTemplateYaml } from './security-service.js';
import { ALICE, TENANT, seedEntities, startBot, type RunningBot } from './teams.js';

type BotConfig = NonNullable<Parameters<typeof startBot>[2]>;

export interface TeamsTrustBed {
  database: TestDatabase;
  connector: FakeBotConnector;
  bot: RunningBot;
  logs: Record<string, any>[];
}

export async function startTeamsTrustBed(env: BotConfig = {}): Promise<TeamsTrustBed> {
  const database = await createTestDatabase();
  const connector = await startFakeBotConnector();
  const logs: Record<string, any>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const bot = await startBot(database.db, connector, { MICROSOFT_APP_TENANT_ID: TENANT, ...env }, { logger });
  await seedEntities(database.db, [
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'alice' }, spec: { profile: { email: 'alice@example.com' }, memberOf: ['platform'] } },
  ]);
  await addSource(database.db, 'templates', '/templates', true, [await recordOf(yaml.load(restrictedTemplateYaml('platform-tool', 'platform')), 'platform-tool/template.yaml')]);
  connector.addMember('a:personal-alice', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' });
  return { database, connector, bot, logs };
}
