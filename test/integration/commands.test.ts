import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { plain, type Reply, type RichText, type Span } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { allCommands } from '../../src/commands/registry.js';
import { entities } from '../../src/db/schema.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

const finance = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ledger-service, namespace: finance, description: The finance copy }
spec: { type: service, lifecycle: production, owner: group:default/ledger }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: settlement, namespace: finance }
spec: { type: service, lifecycle: production, owner: group:default/ledger }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: settlement, namespace: banking }
spec: { type: database, owner: group:default/ledger }
`;

/** Every span of a reply, wherever it is. */
function spans(reply: Reply): Span[] {
  const out: RichText = [];
  for (const s of reply.sections) {
    out.push(...(s.text ?? []));
    for (const f of s.fields ?? []) out.push(...f.value);
    for (const i of s.list ?? []) out.push(...i.text, ...(i.detail ?? []));
  }
  for (const c of reply.context ?? []) out.push(...c);
  return out;
}

function text(reply: Reply): string {
  return [reply.header ?? '', ...reply.sections.flatMap((s) => [s.title ?? '', plain(s.text), ...(s.fields ?? []).map((f) => `${f.label}: ${plain(f.value)}`), ...(s.list ?? []).map((i) => `${plain(i.text)} ${plain(i.detail)}`)]), ...(reply.context ?? []).map((c) => plain(c))].join('\n');
}

function commands(reply: Reply): string[] {
  const all = [...reply.sections.flatMap((s) => [...(s.list ?? []).flatMap((i) => (i.button ? [i.button] : [])), ...(s.buttons ?? [])]), ...(reply.buttons ?? [])];
  return all.flatMap((b) => (b.action.type === 'command' ? [b.action.command] : []));
}

function field(reply: Reply, label: string): string | undefined {
  for (const s of reply.sections) for (const f of s.fields ?? []) if (f.label === label) return plain(f.value);
  return undefined;
}

describe('catalog commands', () => {
  let database: TestDatabase;
  const committed: Record<string, string> = { 'components/payments.yaml': '2025-06-01T00:00:00Z', 'components/misc.yaml': '2023-01-15T00:00:00Z' };
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db, {
      files: { 'extra/finance.yaml': finance },
      now: new Date('2025-01-01T00:00:00Z'),
      committedAt: (path) => (committed[path] ? new Date(committed[path]) : undefined),
      viewUrlBase: 'https://github.com/acme-pay/catalog/blob/main/',
    });
  });
  afterAll(async () => database?.close());
  const ask = (line: string, options: Parameters<typeof commandContext>[1] = {}) => runLine(line, commandContext(database.db, options));

  it('owner payments-api: entity facts, owning team, members, channel, on-call, docs, source and freshness', async () => {
    const reply = await ask('owner payments-api');
    expect(reply.isError).toBeFalsy();
    expect(reply.header).toBe('Payments API (Component)');
    expect(field(reply, 'Kind')).toBe('Component');
    expect(field(reply, 'Type')).toBe('service');
    expect(field(reply, 'Lifecycle')).toBe('production');
    expect(field(reply, 'System')).toBe('Payments');
    expect(field(reply, 'Domain')).toBe('Commerce');
    expect(field(reply, 'Team')).toBe('Payments');
    expect(field(reply, 'Part of')).toBe('Engineering');
    expect(text(reply)).toContain('Public API for creating, capturing and refunding');

    const all = spans(reply);
    expect(all).toContainEqual({ type: 'channel', name: 'team-payments', slackId: 'C04PAYMNTS1' });
    expect(all).toContainEqual({ type: 'user', ref: 'user:default/alice-nguyen', name: 'Alice Nguyen', email: 'alice.nguyen@acmepay.example', slackId: 'U01ALICE01' });
    const members = all.filter((s): s is Extract<Span, { type: 'user' }> => typeof s !== 'string' && s.type === 'user').map((s) => s.ref);
    expect(members).toEqual(['user:default/alice-nguyen', 'user:default/bruno-costa', 'user:default/chen-wei']);
    expect(field(reply, 'PagerDuty')).toBe('service PX7K2QD');
    expect(all).toContainEqual({ type: 'link', text: 'service PX7K2QD', url: 'https://acmepay.pagerduty.com/service-directory/PX7K2QD' });
    // The integration key is a credential: never shown.
    expect(JSON.stringify(reply)).not.toContain('9f2c51e0a4b84c07b3d6e1f27a8c4d15');
    const docs = reply.sections.find((s) => s.title === 'Docs')!;
    expect(docs.list!.map((i) => plain(i.text))).toEqual(['TechDocs: dir:.', 'Payments API docs', 'Runbook']);
    const links = reply.sections.find((s) => s.title === 'Links')!;
    expect(links.list![0].text).toEqual([{ type: 'link', text: 'Grafana dashboard', url: 'https://grafana.acmepay.example/d/payments-api/overview' }]);

    expect(all).toContainEqual({ type: 'link', text: 'components/payments.yaml', url: 'https://github.com/acme-pay/catalog/blob/main/components/payments.yaml' });
    expect(all).toContainEqual({ type: 'link', text: 'edit', url: 'https://github.com/acme-pay/catalog/edit/main/components/payments.yaml' });
    expect(text(reply)).toContain('Last changed 2025-06-01 (3 months ago)');
    expect(text(reply)).toContain('Up to date');
    expect(reply.summary).toBe('payments-api is owned by Payments (#team-payments).');
    expect(commands(reply)).toEqual(['deps component:default/payments-api', 'team group:default/payments']);
  });

  it('owner reports stale entries, a dangling owner, and counts a confirmation from chat', async () => {
    const reply = await ask('owner legacy-billing');
    expect(text(reply)).toMatch(/Stale: not changed or confirmed for 960 days \(limit 180\)/);
    expect(reply.summary).toContain('stale');
    expect(text(reply)).toContain('group:default/billing-team — not in the catalog');
    expect(commands(reply)).toEqual(['deps component:default/legacy-billing']);

    await database.db.update(entities).set({ lastReviewedAt: new Date('2025-08-01T00:00:00Z') }).where(eq(entities.ref, 'component:default/old-cron-jobs'));
    const reviewed = await ask('owner old-cron-jobs');
    expect(text(reviewed)).toContain('confirmed 2025-08-01');
    expect(text(reviewed)).toContain('Up to date');
    expect(text(reviewed)).toContain('No description.');
    expect(field(reviewed, 'System')).toBeUndefined();
    // Later, past the limit again.
    const later = await ask('owner old-cron-jobs', { now: '2026-03-01T00:00:00Z' });
    expect(text(later)).toContain('Stale');
  });

  it('a typo gets "did you mean" with the right entity among the top 3, as buttons', async () => {
    for (const [typo, ref] of [
      ['paymnts-api', 'component:default/payments-api'],
      ['payment-api', 'component:default/payments-api'],
      ['ledger-servce', 'component:default/ledger-service'],
      ['checkot-web', 'component:default/checkout-web'],
      ['PAYMENTS-APII', 'component:default/payments-api'],
    ]) {
      const reply = await ask(`owner ${typo}`);
      expect(reply.summary).toMatch(/Did you mean/);
      expect(commands(reply).slice(0, 3)).toContain(`owner ${ref}`);
    }
    const nothing = await ask('owner zzzzqqqq-xylophone');
    expect(nothing.isError).toBe(true);
    expect(text(nothing)).toContain('find zzzzqqqq-xylophone');
  });

  it('several entities with one name get a pick-list of full refs', async () => {
    const reply = await ask('owner payments');
    expect(reply.summary).toBe('Several entities are called "payments". Which one?');
    expect(commands(reply)).toEqual(['owner group:default/payments', 'owner system:default/payments']);
    // Same name in two namespaces, none in default: pick-list; the default namespace wins otherwise.
    expect(commands(await ask('owner settlement'))).toEqual(['owner component:finance/settlement', 'owner resource:banking/settlement']);
    expect((await ask('owner ledger-service')).header).toBe('Ledger service (Component)');
    expect(text(await ask('owner finance/ledger-service'))).toContain('The finance copy');
    expect(text(await ask('owner Component:Finance/Ledger-Service'))).toContain('The finance copy');
  });

  it('exact refs win, case-insensitively, and kinds narrow a name', async () => {
    expect((await ask('owner system:payments')).header).toBe('Payments (System)');
    expect((await ask('owner GROUP:default/PAYMENTS')).header).toBe('Payments (Group)');
    expect((await ask('/owner api:payments-rest')).header).toBe('Payments REST API (API)');
  });

  it('owner of a Group answers what it owns by kind; of a User, what they own and their teams', async () => {
    const group = await ask('owner group:payments');
    expect(group.summary).toBe('Payments owns 12 entities: 2 apis, 7 components, 1 domain, 1 resource, 1 system.');
    const titles = group.sections.map((s) => s.title).filter(Boolean);
    expect(titles).toEqual(['Owns: Systems (1)', 'Owns: Components (7)', 'Owns: APIs (2)', 'Owns: Resources (1)', 'Owns: Domains (1)']);
    expect(field(group, 'Channel')).toBe('#team-payments');
    expect(field(group, 'Part of')).toBe('Engineering');

    const user = await ask('owner chen-wei');
    expect(user.header).toBe('Chen Wei (User)');
    expect(field(user, 'Member of')).toBe('Ledger, Payments');
    expect(text(user)).toContain('owns nothing in the catalog directly');
    expect(commands(user)).toEqual(['team group:default/ledger', 'team group:default/payments']);
  });

  it('find ranks exact name > prefix > token > description and bounds the list', async () => {
    const ledger = await ask('find ledger');
    const refs = ledger.sections[0].list!.map((i) => (i.text[0] as { ref: string }).ref);
    expect(refs.slice(0, 2).sort()).toEqual(['group:default/ledger', 'system:default/ledger']);
    // Every name-prefix hit comes before any hit on the title, tags or description alone.
    const prefixHits = refs.filter((r) => r.split('/')[1].startsWith('ledger'));
    expect(refs.slice(0, prefixHits.length)).toEqual(prefixHits);

    const events = await ask('find events');
    const eventRefs = events.sections[0].list!.map((i) => (i.text[0] as { ref: string }).ref);
    // Stemmed: "events" finds the names product-events and event-collector ahead of mere mentions.
    expect(eventRefs.slice(0, 3)).toEqual(expect.arrayContaining(['api:default/product-events', 'component:default/event-collector']));

    const many = await ask('find service');
    expect(many.sections[0].list!.length).toBe(10);
    expect(many.sections[0].more!.count).toBeGreaterThan(10);
    expect(many.summary).toMatch(/^\d+ matches for "service"/);

    const tag = await ask('find grpc');
    expect(tag.sections[0].list![0].text[0]).toMatchObject({ ref: 'api:default/ledger-grpc' });

    const none = await ask('find ledgr');
    expect(commands(none)).toContain('owner group:default/ledger');
  });

  it('deps shows two levels each way and APIs with their providers and consumers', async () => {
    const reply = await ask('deps payments-api');
    const section = (title: string) => reply.sections.find((s) => s.title?.startsWith(title))!;
    const items = (title: string) => section(title).list!.map((i) => `${plain(i.text)} | ${plain(i.detail)}`);
    expect(items('Depends on')).toEqual([
      'Card gateway adapter (card-gateway-adapter) — Component | ',
      'Fraud scorer (fraud-scorer) — Component | which depends on Analytics warehouse (analytics-warehouse)',
      'Ledger service (ledger-service) — Component | which depends on Ledger database (ledger-db)',
      'Payments database (payments-db) — Resource | ',
    ]);
    expect(items('Depended on by')).toEqual(['Payments webhooks (payments-webhooks) — Component | ', 'Refunds service (refunds-service) — Component | ']);
    expect(items('Provides APIs')[0]).toContain('consumed by Admin console (admin-console), Checkout backend-for-frontend (checkout-bff)');
    expect(items('Consumes APIs')).toContain('Ledger gRPC API (ledger-grpc) — API | provided by Ledger service (ledger-service)');

    const second = await ask('deps ledger-db');
    const dependents = second.sections.find((s) => s.title?.startsWith('Depended on by'))!.list!.map((i) => `${plain(i.text)} | ${plain(i.detail)}`);
    expect(dependents).toContain('Ledger service (ledger-service) — Component | which is depended on by Payments API (payments-api)');

    const api = await ask('deps api:ledger-grpc');
    expect(api.sections.map((s) => s.title)).toEqual(['Provided by (1)', 'Consumed by (4)']);

    const lonely = await ask('deps old-cron-jobs');
    expect(lonely.summary).toBe('old-cron-jobs has no recorded dependencies or APIs.');
  });

  it('team <group>: members, child teams and what it owns; team alone: the asker\'s teams', async () => {
    const reply = await ask('team payments');
    expect(reply.header).toBe('Team Payments');
    expect(reply.summary).toBe('Payments: 3 members, owns 12 entities.');
    expect(field(reply, 'Channel')).toBe('#team-payments');
    expect(field(reply, 'E-mail')).toBe('payments@acmepay.example');
    expect(reply.sections.find((s) => s.title === 'Members (3)')!.list!.map((i) => plain(i.text))).toEqual([
      'Alice Nguyen <alice.nguyen@acmepay.example>',
      'Bruno Costa <bruno.costa@acmepay.example>',
      'Chen Wei <chen.wei@acmepay.example>',
    ]);
    expect(commands(reply)).toContain('team group:default/ledger');
    expect(reply.sections.find((s) => s.title === 'Owns: Components (7)')).toBeDefined();

    const typo = await ask('team paymnets');
    expect(commands(typo)[0]).toBe('team group:default/payments');

    const single = await ask('team', { requester: { userRef: 'user:default/hana-sato' } });
    expect(single.header).toBe('Team Site Reliability');
    const several = await ask('team', { requester: { userRef: 'user:default/chen-wei' } });
    expect(commands(several)).toEqual(['team group:default/ledger', 'team group:default/payments']);
    const unknown = await ask('team');
    expect(unknown.isError).toBe(true);
    expect(unknown.summary).toContain('Usage: team [group]');
  });

  it('missing arguments and unknown commands answer with usage and help, never an exception', async () => {
    for (const name of ['owner', 'find', 'deps']) {
      const reply = await ask(name);
      expect(reply.isError).toBe(true);
      expect(reply.summary).toMatch(new RegExp(`^${name} is missing its argument. Usage: ${name} `));
    }
    const unknown = await ask('frobnicate payments-api');
    expect(unknown.summary).toBe('Unknown command "frobnicate".');
    const listed = unknown.sections.flatMap((s) => s.list ?? []).map((i) => plain(i.text));
    for (const command of allCommands()) expect(listed.some((l) => l.startsWith(command.usage))).toBe(true);
    const help = await ask('help');
    expect(help.sections[0].list!.map((i) => plain(i.text).split(' ')[0])).toEqual(['owner', 'oncall', 'page', 'find', 'deps', 'team', 'system', 'domain', 'stale', 'score', 'watch', 'unwatch', 'watching', 'create', 'audit', 'help']);
  });
});
