/**
 * Teams end to end over HTTP with the real commands on the demo catalog: questions in a channel and
 * a personal chat, a "did you mean" click, the compose-box search, and `create` from the template
 * list through the dialog (a validation error, then success) to a real run of the worker that
 * publishes into a bare Git repository and updates the progress card with the result links.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { teamsFeatures, type TeamsFeatures } from '../../adapters/teams/features.js';
import { systemClock } from '../../src/clock.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { createWorker } from '../../src/scaffolder/worker.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addShippedTemplates } from '../helpers/scaffolder.js';
import { seedCatalog } from '../helpers/seed.js';
import { ALICE, cardText, cardsIn, channelMessage, expectValidCard, invoke, personalMessage, startBot, TENANT, type RunningBot } from '../helpers/teams.js';
import { realRegistrar } from '../helpers/registrar.js';

type Card = Record<string, unknown> & { body: Array<Record<string, unknown>>; actions?: Array<Record<string, unknown>> };
type TaskBody = { task: { type: 'continue' | 'message'; value: string | { title: string; card: { contentType: string; content: Card } } } };

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;
let features: TeamsFeatures;
let work: string;
let woken = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  connector = await startFakeBotConnector();
  work = await mkdtemp(join(tmpdir(), 'callsheet-teams-create-'));
  await seedCatalog(database.db);
  // docs-site is only for the platform team; Alice (payments) may not run it.
  await addShippedTemplates(database.db, { 'docs-site': { 'callsheet.io/allowed-groups': 'platform' } });
  bot = await startBot(database.db, connector);
  features = teamsFeatures({ db: database.db, logger: silentLogger(), clock: systemClock, adapter: bot.adapter, worker: { wake: () => void woken++ } });
  const alice = { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice.nguyen@acmepay.example', tenantId: TENANT };
  for (const conversation of ['19:general@thread.tacv2', '19:general@thread.tacv2;messageid=1', 'a:personal-alice']) connector.addMember(conversation, alice);
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

let seen = 0;
afterEach(() => {
  for (const sent of connector.sent.slice(seen)) for (const card of cardsIn(sent.activity)) expectValidCard(card);
  seen = connector.sent.length;
});

const lastSent = () => connector.sent[connector.sent.length - 1];

/** The card of a task module answer, checked with `adaptivecards`. */
function dialogCard(body: unknown): Card {
  const task = (body as TaskBody).task;
  expect(task.type).toBe('continue');
  const card = (task.value as { card: { contentType: string; content: Card } }).card;
  expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expectValidCard(card.content);
  return card.content;
}

function inputs(card: Card): Array<Record<string, unknown>> {
  return card.body.filter((e) => String(e.type).startsWith('Input.'));
}

function input(card: Card, label: string): Record<string, unknown> {
  const found = inputs(card).find((e) => e.label === label);
  if (!found) throw new Error(`no input "${label}" on ${cardText(card)}`);
  return found;
}

function submitData(card: Card, title: string): Record<string, unknown> {
  const action = card.actions?.find((a) => a.title === title);
  if (!action) throw new Error(`no "${title}" button on ${cardText(card)}`);
  return action.data as Record<string, unknown>;
}

describe('questions on the demo catalog', () => {
  it('answers "@Callsheet owner payments-api" in a channel with the real owner card', async () => {
    const res = await bot.post(channelMessage(connector, 'owner payments-api'));
    expect(res.status).toBe(200);
    const sent = lastSent();
    expect(sent.conversationId).toBe('19:general@thread.tacv2;messageid=1');
    expect(bot.lines.at(-1)).toBe('owner payments-api');
    const text = cardText(cardsIn(sent.activity)[0]);
    expect(text).toContain('Payments API');
    expect(text).toContain('payments');
    expect(String(sent.activity.summary)).toMatch(/payments-api/i);
  });

  it('answers in a personal chat', async () => {
    await bot.post(personalMessage(connector, 'owner payments-api'));
    expect(lastSent().conversationId).toBe('a:personal-alice');
    expect(cardText(cardsIn(lastSent().activity)[0])).toContain('Payments API');
  });

  it('offers "did you mean" buttons, and a click replaces the card with the chosen entity', async () => {
    await bot.post(personalMessage(connector, 'owner paymnts-api'));
    const [card] = cardsIn(lastSent().activity);
    expect(cardText(card)).toContain('Did you mean');
    const button = JSON.parse(cardText(card).match(/\{"callsheet":"command","line":"owner [^"]*payments-api"\}/)![0]) as { line: string };
    const before = connector.sent.length;
    await bot.post(personalMessage(connector, '', { text: undefined, replyToId: 'activity-42', value: button }));
    expect(connector.sent.length).toBe(before + 1);
    const update = lastSent();
    expect(update).toMatchObject({ method: 'PUT', activityId: 'activity-42' });
    expect(bot.lines.at(-1)).toBe(button.line);
    expect(cardText(cardsIn(update.activity)[0])).toContain('Payments API');
  });

  it('searches the catalog from the compose box with the real ranked search', async () => {
    const res = await bot.post(invoke(connector, 'composeExtension/query', { commandId: 'searchCatalog', parameters: [{ name: 'query', value: 'ledger' }], queryOptions: { skip: 0, count: 5 } }));
    const result = (res.body as { composeExtension: { attachments: Array<{ content: { title: string; tap: { value: { ref: string } } } }> } }).composeExtension;
    expect(result.attachments.length).toBeGreaterThan(0);
    expect(result.attachments.length).toBeLessThanOrEqual(5);
    const refs = result.attachments.map((a) => a.content.tap.value.ref);
    // Exact names first (a system before a team of the same name), then the rest.
    expect(refs.slice(0, 2)).toEqual(['system:default/ledger', 'group:default/ledger']);
  });
});

describe('create', () => {
  let openButton: Record<string, unknown>;

  it('lists the templates Alice may run, each button opening a dialog', async () => {
    await bot.post(channelMessage(connector, 'create'));
    const [card] = cardsIn(lastSent().activity);
    const text = cardText(card);
    expect(text).toContain('TypeScript HTTP service');
    expect(text).not.toContain('Documentation site');
    const data = JSON.parse(text.match(/\{"msteams":\{"type":"task\/fetch"\},"callsheet":"action","id":"scaffolder.open","value":\{"template":"template:default\/typescript-service"\}\}/)![0]);
    openButton = data;
  });

  it('refuses to open a template the requester may not run', async () => {
    const res = await bot.post(invoke(connector, 'task/fetch', { data: { msteams: { type: 'task/fetch' }, callsheet: 'action', id: 'scaffolder.open', value: { template: 'docs-site' } }, context: { theme: 'default' } }));
    expect((res.body as TaskBody).task).toMatchObject({ type: 'message', value: expect.stringMatching(/may not run/) });
  });

  it('`create <name>` answers with a button that opens the same dialog', async () => {
    await bot.post(personalMessage(connector, 'create typescript-service'));
    expect(cardText(cardsIn(lastSent().activity)[0])).toContain('"msteams":{"type":"task/fetch"},"callsheet":"action","id":"scaffolder.open"');
  });

  it('runs the form page by page with server-side errors, then the task, with progress and links on the card', async () => {
    const fetched = await bot.post(invoke(connector, 'task/fetch', { data: openButton, context: { theme: 'default' } }));
    expect(fetched.status).toBe(200);
    const first = dialogCard(fetched.body);
    expect(cardText(first)).toContain('Step 1 of 2: About the service');
    expect(Object.fromEntries(inputs(first).map((f) => [f.label, f.type]))).toEqual({
      Name: 'Input.Text',
      Description: 'Input.Text',
      Owner: 'Input.ChoiceSet',
      System: 'Input.ChoiceSet',
      Lifecycle: 'Input.ChoiceSet',
      Port: 'Input.Number',
    });
    const [name, description, owner, system, lifecycle, port] = ['Name', 'Description', 'Owner', 'System', 'Lifecycle', 'Port'].map((l) => input(first, l));
    const id = (e: Record<string, unknown>) => String(e.id);
    expect(name).toMatchObject({ isRequired: true, regex: expect.any(String) });
    expect(description).toMatchObject({ maxLength: 300 });
    expect(owner).toMatchObject({ style: 'filtered', isRequired: true, 'choices.data': { type: 'Data.Query' } });
    expect((owner.choices as Array<{ value: string }>).map((c) => c.value)).toContain('group:default/payments');
    expect(lifecycle).toMatchObject({ style: 'expanded', value: '0', choices: [{ title: 'experimental', value: '0' }, { title: 'production', value: '1' }] });
    expect(port).toMatchObject({ min: 1024, max: 65535, value: 8080 });

    // Typeahead for the owner picker: Teams asks the bot with the picker's dataset.
    const search = await bot.post(invoke(connector, 'application/search', { queryText: 'ledg', queryOptions: { skip: 0, top: 15 }, dataset: (owner['choices.data'] as { dataset: string }).dataset }));
    expect(search.body).toEqual({ type: 'application/vnd.microsoft.search.searchResponse', value: { results: [{ title: 'Ledger (ledger)', value: 'group:default/ledger' }] } });

    // A name the template refuses: the same page comes back, the error on the Name field.
    const next = submitData(first, 'Next');
    const bad = await bot.post(invoke(connector, 'task/submit', { data: { ...next, [id(name)]: 'Not Valid!', [id(owner)]: 'group:default/payments', [id(lifecycle)]: '1', [id(port)]: '8080' }, context: { theme: 'default' } }));
    const again = dialogCard(bad.body);
    expect(cardText(again)).toContain('Step 1 of 2');
    const badName = input(again, 'Name');
    expect(badName).toMatchObject({ value: 'Not Valid!', errorMessage: expect.stringMatching(/^Name must match the pattern/) });
    expect(again.body[again.body.indexOf(badName) + 2]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: expect.stringMatching(/Name must match the pattern/) });
    expect(input(again, 'Owner')).toMatchObject({ value: 'group:default/payments' });
    expect(cardText(again)).not.toContain('⚠ Owner');

    const good = await bot.post(invoke(connector, 'task/submit', { data: { ...submitData(again, 'Next'), [id(name)]: 'pay-api', [id(description)]: 'Takes payments', [id(owner)]: 'group:default/payments', [id(system)]: 'system:default/payments', [id(lifecycle)]: '1', [id(port)]: '8080' }, context: { theme: 'default' } }));
    const second = dialogCard(good.body);
    expect(cardText(second)).toContain('Step 2 of 2: Where to publish');
    const publishTo = input(second, 'Publish to');
    expect(publishTo).toMatchObject({ type: 'Input.ChoiceSet', value: '0', choices: [{ title: 'Git repository hosted by Callsheet' }, { title: 'GitHub' }] });
    // Issue 14: a field whose condition is not met is not on the card (it used to show with a note).
    expect(cardText(second)).not.toContain('GitHub repository');
    expect(cardText(second)).not.toContain('Only needed when');
    // Choosing GitHub brings in its question: cards cannot show it as one picks, so the page is drawn again with it.
    const more = await bot.post(invoke(connector, 'task/submit', { data: { ...submitData(second, 'Create'), [String(publishTo.id)]: '1' }, context: { theme: 'default' } }));
    const third = dialogCard(more.body);
    expectValidCard(third);
    expect(cardText(third)).toContain('More questions apply to your choices.');
    const repoUrl = input(third, 'GitHub repository');
    expect(repoUrl).toMatchObject({ type: 'Input.Text', isRequired: true, placeholder: expect.stringContaining('github.com/') });

    const before = connector.sent.length;
    const done = await bot.post(invoke(connector, 'task/submit', { data: { ...submitData(third, 'Create'), [String(publishTo.id)]: '0', [String(repoUrl.id)]: '' }, context: { theme: 'default' } }));
    expect((done.body as TaskBody).task).toEqual({ type: 'message', value: 'Creating TypeScript HTTP service. Progress and links are posted in the conversation.' });
    expect(woken).toBe(1);
    // The progress card is posted into the conversation the dialog came from.
    expect(connector.sent.length).toBe(before + 1);
    const progress = lastSent();
    expect(progress).toMatchObject({ method: 'POST', conversationId: '19:general@thread.tacv2' });
    expect(cardText(cardsIn(progress.activity)[0])).toContain('TypeScript HTTP service — waiting to start');
    const progressId = `activity-${connector.sent.filter((s) => s.method === 'POST').length}`;

    const [task] = await database.db.select().from(scaffolderTasks);
    expect(task).toMatchObject({ templateRef: 'template:default/typescript-service', status: 'open', requester: { platform: 'teams', userRef: 'user:default/alice-nguyen' } });
    expect(task.values).toMatchObject({ name: 'pay-api', owner: 'group:default/payments', system: 'system:default/payments', lifecycle: 'production', port: 8080, publishTo: 'callsheet' });
    expect(task.replyTo).toMatchObject({ platform: 'teams', activityId: progressId, reference: { conversation: { id: '19:general@thread.tacv2' }, serviceUrl: connector.serviceUrl } });

    const reposDir = join(work, 'repos');
    const worker = createWorker({ db: database.db, clock: systemClock, logger: silentLogger(), workerId: 'w1', notifier: features.taskNotifier, actions: builtinActions({ registrar: realRegistrar(database.db, work), publishGit: { reposDir } }), workDir: work });
    const updatesBefore = connector.sent.length;
    expect(await worker.runOnce()).toBe(true);

    const updates = connector.sent.slice(updatesBefore);
    // One update per step and one at the end, all replacing the progress card.
    expect(updates.length).toBe(5);
    for (const u of updates) expect(u).toMatchObject({ method: 'PUT', conversationId: '19:general@thread.tacv2', activityId: progressId });
    expect(cardText(cardsIn(updates[0].activity)[0])).toContain('✓ Fetch the skeleton');
    const final = cardText(cardsIn(updates.at(-1)!.activity)[0]);
    expect(final).toContain('TypeScript HTTP service — done');
    expect(final).toContain('Repository');
    expect(final).toContain('Open in catalog');
    expect(final).toContain('pay-api');
    const bare = join(reposDir, 'pay-api.git');
    expect(execFileSync('git', ['--git-dir', bare, 'log', '--format=%s', 'main'], { encoding: 'utf8' }).trim()).toMatch(/pay-api/);
  });

  it('keeps values on Back and refuses a stale or forged dialog', async () => {
    const fetched = dialogCard((await bot.post(invoke(connector, 'task/fetch', { data: openButton, context: {} }))).body);
    const id = (label: string) => String(input(fetched, label).id);
    const page2 = dialogCard(
      (await bot.post(invoke(connector, 'task/submit', { data: { ...submitData(fetched, 'Next'), [id('Name')]: 'back-test', [id('Owner')]: 'group:default/payments', [id('Lifecycle')]: '0', [id('Port')]: '9000' }, context: {} }))).body,
    );
    const back = dialogCard((await bot.post(invoke(connector, 'task/submit', { data: submitData(page2, 'Back'), context: {} }))).body);
    expect(input(back, 'Name')).toMatchObject({ value: 'back-test' });
    expect(input(back, 'Port')).toMatchObject({ value: 9000 });
    const forged = await bot.post(invoke(connector, 'task/submit', { data: { callsheet: 'dialog', id: 'scaffolder.open', state: { template: 'template:default/docs-site', page: 0, values: {} }, nav: 'next' }, context: {} }));
    expect((forged.body as TaskBody).task).toMatchObject({ type: 'message', value: expect.stringMatching(/may not run/) });
    const stale = await bot.post(invoke(connector, 'task/submit', { data: { callsheet: 'dialog', id: 'scaffolder.open', state: 'junk' }, context: {} }));
    expect((stale.body as TaskBody).task).toMatchObject({ type: 'message', value: 'This form is out of date. Type create to start again.' });
  });
});
