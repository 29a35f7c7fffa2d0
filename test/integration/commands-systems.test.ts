import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain, type Reply } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

function text(reply: Reply): string {
  return [reply.header ?? '', ...reply.sections.flatMap((s) => [s.title ?? '', plain(s.text), ...(s.fields ?? []).map((f) => `${f.label}: ${plain(f.value)}`), ...(s.list ?? []).map((i) => `${plain(i.text)} | ${plain(i.detail)}`)]), ...(reply.context ?? []).map((c) => plain(c))].join('\n');
}

function links(reply: Reply): string[] {
  const out: string[] = [];
  const visit = (rich: Reply['context']) => rich?.flat().forEach((s) => typeof s !== 'string' && s.type === 'link' && out.push(s.url));
  for (const s of reply.sections) {
    visit([s.text ?? []]);
    visit((s.fields ?? []).map((f) => f.value));
    visit((s.list ?? []).map((i) => i.text));
  }
  return out;
}

describe('systems, domains and where an entity lives (issue 16)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
  });
  afterAll(async () => database?.close());
  const ask = (line: string, options: Parameters<typeof commandContext>[1] = {}) => runLine(line, commandContext(database.db, options));

  it('system <name> lists its parts by kind, each with its owner', async () => {
    const reply = await ask('system payments');
    expect(reply.isError).toBeFalsy();
    expect(reply.header).toBe('Payments (System)');
    const titles = reply.sections.map((s) => s.title).filter(Boolean);
    expect(titles.some((t) => /^Components \(\d+\)$/.test(t!))).toBe(true);
    expect(text(reply)).toMatch(/Payments API \(payments-api\) — service, production \| owned by Payments/);
    expect(reply.summary).toMatch(/^Payments \(System\) contains \d+ components?/);
    expect(await ask('what is in the payments system?')).toEqual(reply);
  });

  it('domain <name> lists its systems and their parts with owners', async () => {
    const reply = await ask('domain commerce');
    expect(reply.header).toBe('Commerce (Domain)');
    const systems = reply.sections.find((s) => s.title?.startsWith('Systems'))!;
    expect(systems.list!.map((i) => plain(i.text))).toEqual(expect.arrayContaining([expect.stringContaining('Payments'), expect.stringContaining('Ledger')]));
    expect(text(reply)).toContain('Payments API (payments-api)');
    const wrongKind = await ask('domain payments-api');
    expect(wrongKind.isError).toBe(true);
  });

  it('deps system:payments walks the dependencies of its parts, listing what is outside', async () => {
    const reply = await ask('deps system:payments');
    expect(reply.header).toBe('Dependencies of Payments (System)');
    const body = text(reply);
    expect(body).toMatch(/parts walked/);
    // The parts themselves are never listed as outside dependencies.
    const outside = reply.sections.flatMap((s) => s.list ?? []).map((i) => plain(i.text));
    expect(outside.some((l) => l.startsWith('Payments API'))).toBe(false);
    expect(outside.length).toBeGreaterThan(0);
  });

  it('owner shows the code repository, and with BACKSTAGE_URL the Backstage page and TechDocs link', async () => {
    const plainReply = await ask('owner payments-api');
    expect(text(plainReply)).toContain('Code: github.com/acme-pay/payments-api');
    expect(links(plainReply)).toContain('https://github.com/acme-pay/payments-api/tree/main/');
    expect(text(plainReply)).toContain('TechDocs: dir:.');
    const ctx = { ...commandContext(database.db), backstageUrl: 'https://backstage.acme.example/' };
    const withBackstage = await runLine('owner payments-api', ctx);
    expect(links(withBackstage)).toEqual(expect.arrayContaining(['https://backstage.acme.example/catalog/default/component/payments-api', 'https://backstage.acme.example/docs/default/component/payments-api/']));
    expect(text(withBackstage)).not.toContain('dir:.');
  });

  it('team and stale with no argument say how the asker is identified', async () => {
    const team = await ask('team');
    expect(team.context!.map(plain).join(' ')).toContain('CALLSHEET_USER');
    const stale = await ask('stale', { requester: { platform: 'slack', externalId: 'U0NOBODY' } });
    expect(stale.isError).toBe(true);
    expect(stale.context!.map(plain).join(' ')).toContain('slack.com/user-id: U0NOBODY');
    const teamsUser = await ask('team', { requester: { platform: 'teams', displayName: 'Pat' } });
    expect(teamsUser.context!.map(plain).join(' ')).toContain('microsoft.com/teams-user-id');
    const shellNamed = await ask('stale', { requester: { platform: 'shell', displayName: 'ghost@example.com' } });
    expect(shellNamed.context!.map(plain).join(' ')).toContain('CALLSHEET_USER is ghost@example.com');
  });
});
