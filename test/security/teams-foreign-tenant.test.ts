/**
 * Teams tenants (issue 13): a MultiTenant bot can be installed by any organisation. On the old main a
 * user of a foreign tenant whose profile e-mail was a platform member's ran a restricted template.
 * Now only TEAMS_ALLOWED_TENANTS are answered: another tenant's activity gets no reply and writes
 * nothing, and is logged once per tenant. Real adapter over HTTP, tokens signed by the test's JWKS.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { auditLog, chatChannels, chatIdentities } from '../../src/db/schema.js';
import type { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestDatabase } from '../helpers/db.js';
import { startTeamsTrustBed } from '../helpers/teams-trust-bed.js';
import { cardText, cardsIn, personalMessage, type RunningBot } from '../helpers/teams.js';

const FOREIGN = 'tenant-evil';
const EVE = { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' };

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;
let logs: Record<string, any>[];

beforeAll(async () => {
  ({ database, connector, bot, logs } = await startTeamsTrustBed());
  // The foreign tenant's admin controls Eve's profile: it says she is alice@example.com.
  connector.addMember('a:personal-eve', { id: EVE.id, name: EVE.name, aadObjectId: EVE.aadObjectId, email: 'alice@example.com', tenantId: FOREIGN });
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
});

const foreignMessage = (text: string) =>
  personalMessage(connector, text, { from: EVE, conversation: { id: 'a:personal-eve', conversationType: 'personal', tenantId: FOREIGN }, channelData: { tenant: { id: FOREIGN } } });

async function rows() {
  const db = database.db;
  const [identities] = await db.select({ n: count() }).from(chatIdentities);
  const [audits] = await db.select({ n: count() }).from(auditLog);
  const [channels] = await db.select({ n: count() }).from(chatChannels);
  return { identities: identities!.n, audits: audits!.n, channels: channels!.n };
}

describe('Teams activities from a tenant not in TEAMS_ALLOWED_TENANTS', () => {
  it('are ignored: no reply, no member look-up, no database write, one log line per tenant', async () => {
    const before = { sent: connector.sent.length, lookups: connector.memberLookups.length, rows: await rows() };
    for (const text of ['create platform-tool', 'owner platform']) {
      const res = await bot.post(foreignMessage(text));
      expect(res.status).toBe(200);
    }
    const install = await bot.post({ ...foreignMessage(''), type: 'installationUpdate', action: 'add', text: undefined });
    expect(install.status).toBe(200);
    expect(connector.sent.length).toBe(before.sent);
    expect(connector.memberLookups.length).toBe(before.lookups);
    expect(await rows()).toEqual(before.rows);
    const ignored = logs.filter((l) => /tenant not in TEAMS_ALLOWED_TENANTS/.test(l.msg));
    expect(ignored).toHaveLength(1);
    expect(ignored[0]!.tenant).toBe(FOREIGN);
  });

  it('still answers the allowed tenant, mapping its user by profile e-mail', async () => {
    const before = connector.sent.length;
    const res = await bot.post(personalMessage(connector, 'create platform-tool'));
    expect(res.status).toBe(200);
    expect(connector.sent.length).toBe(before + 1);
    const card = cardsIn(connector.sent.at(-1)!.activity)[0];
    expect(cardText(card)).toContain('Start Platform tool');
  });
});

describe('TEAMS_ALLOWED_TENANTS configuration', () => {
  const app = { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TYPE: 'MultiTenant', NODE_ENV: 'production' };

  it('is required for a MultiTenant app in production', () => {
    expect(() => loadConfig(app)).toThrow(ConfigError);
    expect(() => loadConfig(app)).toThrow(/TEAMS_ALLOWED_TENANTS: required for a MultiTenant app in production/);
    expect(loadConfig({ ...app, TEAMS_ALLOWED_TENANTS: 'tenant-1, tenant-2' }).TEAMS_ALLOWED_TENANTS).toEqual(['tenant-1', 'tenant-2']);
    expect(() => loadConfig({ ...app, MICROSOFT_APP_TENANT_ID: 'tenant-1' })).not.toThrow();
  });
});
