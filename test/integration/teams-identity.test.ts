import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequester } from '../../adapters/teams/identity.js';
import { mentionLookup } from '../../adapters/teams/mentions.js';
import { fixedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedEntities } from '../helpers/teams.js';

const user = (name: string, email: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, annotations },
  spec: { profile: { email }, memberOf: [] },
});

describe('Teams identity and mentions', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedEntities(database.db, [user('carol', 'carol@example.com'), user('dave', 'dave@example.com', { 'graph.microsoft.com/user-id': 'aad-dave' })]);
  });
  afterAll(async () => database.close());

  const deps = (at: string, fetchMember: () => Promise<{ email?: string; name?: string }>) => ({
    db: database.db,
    clock: fixedClock(at),
    logger: silentLogger(),
    ttlMs: 3_600_000,
    fetchMember,
  });
  const carol = { id: '29:carol', name: 'Carol', tenantId: 't1' };

  it('maps by profile email, caches for the TTL, and refreshes after it', async () => {
    let calls = 0;
    const fetch = async () => {
      calls += 1;
      return { email: 'CAROL@example.com', name: 'Carol C' };
    };
    expect(await resolveRequester(deps('2026-01-01T10:00:00Z', fetch), carol)).toMatchObject({ platform: 'teams', externalId: '29:carol', email: 'carol@example.com', userRef: 'user:default/carol' });
    await resolveRequester(deps('2026-01-01T10:30:00Z', fetch), carol);
    expect(calls).toBe(1);
    await resolveRequester(deps('2026-01-01T11:30:00Z', fetch), carol);
    expect(calls).toBe(2);
  });

  it('falls back to the cached row, or to no identity, when the look-up fails', async () => {
    const failing = async () => {
      throw Object.assign(new Error('boom'), { statusCode: 503 });
    };
    expect(await resolveRequester(deps('2026-01-02T00:00:00Z', failing), carol)).toMatchObject({ userRef: 'user:default/carol' });
    expect(await resolveRequester(deps('2026-01-02T00:00:00Z', failing), { id: '29:nobody', name: 'Nobody', tenantId: 't1' })).toEqual({ platform: 'teams', externalId: '29:nobody', displayName: 'Nobody' });
  });

  it('resolves mentions by Teams id, by a known email, and by the AAD annotation', async () => {
    const lookup = await mentionLookup(database.db, [
      { type: 'user', ref: 'user:default/carol', name: 'Carol', email: 'carol@example.com' },
      { type: 'user', ref: 'user:default/dave', name: 'Dave' },
      { type: 'user', ref: 'user:default/erin', name: 'Erin', email: 'erin@example.com' },
    ], 't1');
    expect(lookup({ type: 'user', ref: 'user:default/carol', name: 'Carol', email: 'Carol@example.com' })).toEqual({ id: '29:carol', name: 'Carol' });
    expect(lookup({ type: 'user', ref: 'user:default/dave', name: 'Dave' })).toEqual({ id: 'aad-dave', name: 'Dave' });
    expect(lookup({ type: 'user', ref: 'user:default/erin', name: 'Erin', email: 'erin@example.com' })).toBeUndefined();
    expect(lookup({ type: 'user', ref: 'user:default/x', name: 'X', teamsId: '29:x' })).toEqual({ id: '29:x', name: 'X' });
  });
});
