/**
 * Teams identity bindings (issue 13): a Teams user maps to a catalog User by tenant + aadObjectId
 * once seen. On the old main there was no such record: a changed profile e-mail lost the User, and
 * a second object id of the same tenant presenting the User's e-mail got that User (and its
 * permissions). Real adapter over HTTP, Bot Framework tokens signed by the test's JWKS.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatIdentities } from '../../src/db/schema.js';
import type { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestDatabase } from '../helpers/db.js';
import { startTeamsTrustBed } from '../helpers/teams-trust-bed.js';
import { ALICE, TENANT, cardText, cardsIn, personalMessage, seedEntities, type RunningBot } from '../helpers/teams.js';

const FOREIGN = 'tenant-evil';
const MALLORY = { id: '29:mallory', name: 'Mallory', aadObjectId: 'aad-mallory' };
const EVE = { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' };

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;
let logs: Record<string, any>[];

beforeAll(async () => {
  // A 1 ms profile cache: every message looks the profile up again, so an e-mail change is seen.
  ({ database, connector, bot, logs } = await startTeamsTrustBed({ TEAMS_IDENTITY_TTL: 1 }));
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
});

async function replyTo(activity: Record<string, unknown>): Promise<string> {
  const before = connector.sent.length;
  const res = await bot.post(activity);
  expect(res.status).toBe(200);
  expect(connector.sent.length).toBe(before + 1);
  const activitySent = connector.sent.at(-1)!.activity;
  const cards = cardsIn(activitySent);
  return cards.length ? cards.map(cardText).join('\n') : String(activitySent.text ?? '');
}

const bindings = (tenant: string) =>
  database.db.select().from(chatIdentities).where(and(eq(chatIdentities.platform, 'teams-aad'), eq(chatIdentities.workspaceId, tenant)));

describe('Teams user bound to a catalog User by tenant + aadObjectId once seen', () => {
  it('records the binding at the first sighting (matched by profile e-mail)', async () => {
    expect(await replyTo(personalMessage(connector, 'create platform-tool'))).toContain('Start Platform tool');
    const rows = await bindings(TENANT);
    expect(rows.map((r) => [r.externalId, r.userRef])).toEqual([['aad-alice', 'user:default/alice']]);
  });

  it('keeps the User when the profile e-mail changes', async () => {
    connector.addMember('a:personal-alice', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice.doe@renamed.example' });
    expect(await replyTo(personalMessage(connector, 'create platform-tool'))).toContain('Start Platform tool');
  });

  it('refuses another object id presenting the bound User\'s e-mail, and logs an identity conflict', async () => {
    connector.addMember('a:personal-mallory', { id: MALLORY.id, name: MALLORY.name, aadObjectId: MALLORY.aadObjectId, email: 'alice@example.com' });
    const text = await replyTo(personalMessage(connector, 'create platform-tool', { from: MALLORY, conversation: { id: 'a:personal-mallory', conversationType: 'personal', tenantId: TENANT } }));
    expect(text).not.toContain('Start Platform tool');
    const conflict = logs.filter((l) => /identity conflict/.test(l.msg) && l.aadObjectId === 'aad-mallory');
    expect(conflict).toHaveLength(1);
    expect(conflict[0]!.user).toBe('user:default/alice');
    const rows = await bindings(TENANT);
    expect(rows.map((r) => r.externalId)).toEqual(['aad-alice']);
    // Alice herself is still herself.
    expect(await replyTo(personalMessage(connector, 'create platform-tool'))).toContain('Start Platform tool');
  });

  it('a foreign tenant neither creates nor uses a binding, even with the bound object id', async () => {
    connector.addMember('a:personal-eve', { id: EVE.id, name: EVE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com', tenantId: FOREIGN });
    const before = connector.sent.length;
    const res = await bot.post(
      personalMessage(connector, 'create platform-tool', {
        from: { ...EVE, aadObjectId: ALICE.aadObjectId },
        conversation: { id: 'a:personal-eve', conversationType: 'personal', tenantId: FOREIGN },
        channelData: { tenant: { id: FOREIGN } },
      }),
    );
    expect(res.status).toBe(200);
    expect(connector.sent.length).toBe(before);
    expect(await bindings(FOREIGN)).toEqual([]);
  });

  it('is not honoured while the User has an identity conflict', async () => {
    await seedEntities(database.db, [
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'alice' }, spec: { profile: { email: 'alice@example.com' }, memberOf: ['platform'] } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'alice2' }, spec: { profile: { email: 'alice@example.com' }, memberOf: ['platform'] } },
    ]);
    expect(await replyTo(personalMessage(connector, 'create platform-tool'))).not.toContain('Start Platform tool');
  });

  it('is not honoured once the User is gone from org data', async () => {
    await seedEntities(database.db, [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } }]);
    expect(await replyTo(personalMessage(connector, 'create platform-tool'))).not.toContain('Start Platform tool');
  });
});
