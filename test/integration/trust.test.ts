/** The trust module on a real database: identity from org Users only, tenants, admin decisions (issue 13). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayAdminister, orgGroupsOf, resolveSlackUser, resolveTeamsUser } from '../../src/trust/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addSource, recordOf } from '../helpers/scaffolder.js';
import { seedEntities } from '../helpers/teams.js';

const user = (name: string, annotations: Record<string, string>, spec: Record<string, unknown>) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name, annotations }, spec });
const group = (name: string, members: string[] = []) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', children: [], members } });

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedEntities(database.db, [
    group('platform'),
    group('sre'),
    user('alice', { 'graph.microsoft.com/user-id': 'AAD-ALICE' }, { profile: { email: 'alice@acme.example' }, memberOf: ['platform'] }),
    user('dave', { 'slack.com/user-id': 'U0DAVE0001' }, { profile: { email: 'dave@acme.example' }, memberOf: ['sre'] }),
  ], 'org');
  // Not an org source (a github: organisation): its Users and memberships are catalog data only.
  await addSource(database.db, 'github:acme', 'github:acme', false, [
    await recordOf(user('mallory', { 'slack.com/user-id': 'U0MALLORY1' }, { memberOf: ['platform'] }), 'r/catalog-info.yaml'),
    await recordOf(group('hackers', ['dave']), 'r/catalog-info.yaml'),
  ], 'github');
});
afterAll(async () => database?.close());

describe('trust', () => {
  it('maps Teams users by annotated object id, and by e-mail only inside an allowed tenant', async () => {
    const db = database.db;
    expect((await resolveTeamsUser(db, { tenantId: 't1', tenantAllowed: true, aadObjectId: 'aad-alice' })).userRef).toBe('user:default/alice');
    expect((await resolveTeamsUser(db, { tenantId: 't1', tenantAllowed: true, email: 'DAVE@acme.example', aadObjectId: 'aad-dave' })).userRef).toBe('user:default/dave');
    const foreign = await resolveTeamsUser(db, { tenantId: 'evil', tenantAllowed: false, email: 'alice@acme.example' });
    expect(foreign).toEqual({ reason: expect.stringMatching(/not an allowed tenant/) });
    // An e-mail is not enough when the User names another object id.
    expect((await resolveTeamsUser(db, { tenantId: 't1', tenantAllowed: true, email: 'alice@acme.example', aadObjectId: 'aad-other' })).userRef).toBeUndefined();
  });

  it('ignores Users and memberships from sources outside ORG_SOURCES', async () => {
    const db = database.db;
    expect((await resolveSlackUser(db, { userId: 'U0MALLORY1' })).userRef).toBeUndefined();
    expect((await resolveSlackUser(db, { userId: 'U0DAVE0001' })).userRef).toBe('user:default/dave');
    // The planted Group lists dave as a member: that grants dave nothing.
    expect([...(await orgGroupsOf(db, 'user:default/dave'))]).toEqual(['group:default/sre']);
  });

  it('lets members of CALLSHEET_ADMINS administer, with the reason', async () => {
    const db = database.db;
    const alice = { platform: 'slack' as const, userRef: 'user:default/alice' };
    expect(await mayAdminister(db, alice, ['platform'])).toEqual({ ok: true, reason: 'user:default/alice is a member of group:default/platform' });
    expect(await mayAdminister(db, alice, ['group:default/sre'])).toMatchObject({ ok: false, reason: expect.stringMatching(/members of group:default\/sre, and user:default\/alice is not a member/) });
    expect(await mayAdminister(db, alice, [])).toMatchObject({ ok: false, reason: expect.stringMatching(/CALLSHEET_ADMINS names no group/) });
    expect(await mayAdminister(db, { platform: 'slack', userRef: 'user:default/mallory' }, ['platform'])).toMatchObject({ ok: false, reason: expect.stringMatching(/not a User from the organisation's sources/) });
    expect(await mayAdminister(db, { platform: 'teams' }, ['platform'])).toMatchObject({ ok: false, reason: expect.stringMatching(/could not match you/) });
  });
});
