/**
 * Slack identities: which Postgres reads a command costs. Spans built from catalog rows carry their
 * email, so only bare refs are read again; people asked about a moment ago are answered from the
 * process's memory, and after it expires from the shared Postgres cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityMemory, resolveMentions, resolveRequester, type IdentityDeps } from '../../adapters/slack/identities.js';
import { createWebClient } from '../../adapters/slack/web-client.js';
import type { Clock } from '../../src/clock.js';
import type { Reply } from '../../src/reply/reply.js';
import type { Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

/** The real database, counting the SELECTs built on it. */
function countingSelects(db: Db): { db: Db; selects: () => number } {
  let selects = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'select' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        selects++;
        return value.apply(target, args);
      };
    },
  });
  return { db: counted, selects: () => selects };
}

const reply = (spans: Reply['sections'][number]['text']): Reply => ({ summary: 'x', sections: [{ text: spans }] });

describe('Slack identities and their Postgres reads', () => {
  let database: TestDatabase;
  let fake: FakeSlack;
  let now = new Date('2026-03-02T09:00:00Z');
  const clock: Clock = { now: () => new Date(now) };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    fake = await startFakeSlack({ token: 'xoxb-identities' });
    fake.addUser({ id: 'U07ELISCH1', email: 'eli.schwartz@acmepay.example', name: 'Eli Schwartz' });
    fake.addUser({ id: 'U07KOFIME1', email: 'kofi.mensah@acmepay.example', name: 'Kofi Mensah' });
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });

  function deps(withMemory: boolean): IdentityDeps & { selects: () => number } {
    const { db, selects } = countingSelects(database.db);
    const web = createWebClient({ token: 'xoxb-identities', apiUrl: fake.apiUrl, logger: silentLogger() });
    return { db, web, clock, logger: silentLogger(), selects, ...(withMemory ? { memory: identityMemory() } : {}) };
  }

  it('reads the catalog row only for user spans that carry no email', async () => {
    const d = deps(false);
    const withEmail = reply([{ type: 'user', ref: 'user:default/eli-schwartz', name: 'Eli Schwartz', email: 'eli.schwartz@acmepay.example' }]);
    expect(await resolveMentions(d, withEmail)).toEqual(new Map([['user:default/eli-schwartz', 'U07ELISCH1']]));
    // One read: the email look-up cache. The entity row is not read again.
    expect(d.selects()).toBe(1);

    const bare = reply([{ type: 'user', ref: 'user:default/kofi-mensah', name: 'Kofi Mensah' }]);
    expect(await resolveMentions(d, bare)).toEqual(new Map([['user:default/kofi-mensah', 'U07KOFIME1']]));
    expect(d.selects()).toBe(3);
  });

  it('answers people asked about a moment ago from memory, and from Postgres once that expires', async () => {
    const d = deps(true);
    const eli = reply([{ type: 'user', ref: 'user:default/eli-schwartz', name: 'Eli Schwartz', email: 'eli.schwartz@acmepay.example' }]);
    const who = { userId: 'U07KOFIME1', teamId: 'T0001', name: 'kofi' };

    expect(await resolveRequester(d, who)).toMatchObject({ userRef: 'user:default/kofi-mensah', email: 'kofi.mensah@acmepay.example' });
    await resolveMentions(d, eli);
    const afterFirst = d.selects();
    const infoCalls = fake.attempts('users.info').length;

    expect(await resolveRequester(d, who)).toMatchObject({ userRef: 'user:default/kofi-mensah' });
    expect(await resolveMentions(d, eli)).toEqual(new Map([['user:default/eli-schwartz', 'U07ELISCH1']]));
    expect(d.selects()).toBe(afterFirst);

    now = new Date(now.getTime() + 61_000);
    expect(await resolveRequester(d, who)).toMatchObject({ userRef: 'user:default/kofi-mensah' });
    expect(await resolveMentions(d, eli)).toEqual(new Map([['user:default/eli-schwartz', 'U07ELISCH1']]));
    // Read again from the shared cache (still fresh there), without asking Slack.
    expect(d.selects()).toBe(afterFirst + 2);
    expect(fake.attempts('users.info')).toHaveLength(infoCalls);
  });
});
