/**
 * Issue 16's search on the demo catalog: the four queries it names as bad, typos, stemming, filters,
 * and an index that follows what sync writes and deletes. Runs on Postgres or PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain, type Reply } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { searchCatalog } from '../../src/catalog/search.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

let database: TestDatabase;
const ask = (line: string) => runLine(line, commandContext(database.db));
const refs = (reply: Reply) => (reply.sections[0]?.list ?? []).map((i) => (i.text[0] as { ref?: string }).ref);
const top = async (text: string, n = 5) => (await searchCatalog(database.db, text, { limit: n })).hits.map((h) => h.row.ref);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog(database.db);
});
afterAll(async () => {
  await database.close();
});

describe('issue 16: the bad queries', () => {
  it('find pci service: the four PCI services come first (the type counts, not only the text)', async () => {
    const reply = await ask('find pci service');
    expect(refs(reply).slice(0, 4).sort()).toEqual(['component:default/card-gateway-adapter', 'component:default/payments-api', 'component:default/payments-worker', 'component:default/refunds-service']);
  });

  it('find notification email: "e-mail" in the text is found by "email"', async () => {
    const reply = await ask('find notification email');
    expect(refs(reply).slice(0, 2).sort()).toEqual(['api:default/notifications', 'component:default/notification-service']);
  });

  it("find identity: the identity system and its components (the system's name is searchable on its parts)", async () => {
    const found = await top('identity', 10);
    expect(found[0]).toBe('system:default/identity');
    expect(found).toEqual(expect.arrayContaining(['component:default/auth-service', 'component:default/user-profile-service']));
  });

  it('the narrowing hint narrows: its filter keeps the best hits and drops other kinds', async () => {
    const broad = await ask('find payments');
    const hint = (broad.context ?? []).flat().find((s) => typeof s !== 'string' && s.type === 'code') as { text: string } | undefined;
    expect(hint?.text).toMatch(/^find payments kind:\w+$/);
    const narrow = await ask(hint!.text);
    const kind = hint!.text.split('kind:')[1]!;
    expect(refs(narrow).length).toBeGreaterThan(0);
    expect(refs(narrow).every((r) => r!.startsWith(`${kind}:`))).toBe(true);
    expect(refs(narrow)[0]).toBe(refs(broad).find((r) => r!.startsWith(`${kind}:`)));
    // Adding a plain word re-ranks instead of emptying the list (any-word match, all-words first).
    expect((await top('payments service', 10)).length).toBe(10);
  });
});

describe('ranked search', () => {
  it('corrects typos against the catalog words and says so', async () => {
    expect((await top('paymnets api', 1))[0]).toBe('component:default/payments-api');
    expect(await top('notifcation', 2)).toContain('component:default/notification-service');
    const reply = await ask('find ledgr');
    expect(plain((reply.context ?? []).flat())).toContain('"ledger" (for "ledgr")');
  });

  it('stems and matches prefixes; owners, APIs and domains are searchable', async () => {
    expect(await top('refunding', 3)).toContain('component:default/refunds-service');
    expect((await top('notif', 2)).sort()).toEqual(['api:default/notifications', 'component:default/notification-service']);
    expect(await top('payments-rest', 3)).toContain('component:default/payments-api');
    const commerce = await top('commerce', 20);
    expect(commerce).toEqual(expect.arrayContaining(['domain:default/commerce', 'system:default/payments', 'component:default/payments-api']));
  });

  it('filters narrow for real; filters alone list what they select', async () => {
    const libs = await searchCatalog(database.db, 'payments type:library', { limit: 10 });
    expect(libs.hits.map((h) => h.row.ref).sort()).toEqual(['component:default/payments-sdk-android', 'component:default/payments-sdk-ios']);
    const owned = await searchCatalog(database.db, 'owner:platform kind:system', { limit: 10 });
    expect(owned.hits.map((h) => h.row.ref)).toContain('system:default/identity');
    expect(owned.hits.every((h) => h.row.ownerRef === 'group:default/platform' && h.row.kind === 'system')).toBe(true);
  });

  it('no hits: closest names by trigram, or other things to try, never the same words again', async () => {
    const close = await ask('find checkout-webapp-legacy');
    expect(close.isError).toBe(true);
    expect(refs(close)).toContain('component:default/checkout-web');
    const none = await ask('find zzqxv');
    expect(plain(none.sections.flatMap((s) => s.text ?? []))).not.toContain('find zzqxv');
    expect(none.summary).toMatch(/team <name>/);
  });

  it('the index follows sync: changed words are found, removed entities are gone, a system change reaches its parts', async () => {
    const files = {
      'x/a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: quokka-relay, description: Forwards wombat telemetry }\nspec: { type: service, lifecycle: production, owner: group:default/platform, system: marsupial }\n',
      'x/s.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: { name: marsupial }\nspec: { owner: group:default/platform, domain: outback }\n',
    };
    await seedCatalog(database.db, { dir: false, sourceId: 'extra', files });
    expect(await top('wombat', 1)).toEqual(['component:default/quokka-relay']);
    expect(await top('outback', 5)).toContain('component:default/quokka-relay');
    await seedCatalog(database.db, {
      dir: false,
      sourceId: 'extra',
      files: { 'x/a.yaml': files['x/a.yaml'].replace('wombat', 'platypus'), 'x/s.yaml': files['x/s.yaml'].replace('outback', 'billabong') },
    });
    expect(await top('platypus', 1)).toEqual(['component:default/quokka-relay']);
    expect(await top('wombat', 5)).not.toContain('component:default/quokka-relay');
    expect(await top('billabong', 5)).toContain('component:default/quokka-relay');
    await seedCatalog(database.db, { dir: false, sourceId: 'extra', files: {} });
    expect(await top('platypus', 5)).toEqual([]);
  });
});
