import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FIELD_ACTION, FORM_PAGE } from '../../adapters/slack/render-form.js';
import { TEMPLATE_ACTION, TEMPLATE_PICK } from '../../adapters/slack/scaffolder-modal.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { createWorker, type Worker } from '../../src/scaffolder/worker.js';
import { viewProblem } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addShippedTemplates, addSource, recordOf } from '../helpers/scaffolder.js';
import { blockText, interact, optionsLoad, viewSubmission } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';
import { realRegistrar } from '../helpers/registrar.js';

const people = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-b' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { profile: { displayName: 'Ada' }, memberOf: ['team-a'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'payments' }, spec: { owner: 'team-a' } },
];

/** Work Slack callbacks start after the HTTP answer: wait for it (generously, the machine is shared). */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const input = (view: any, blockId: string) => view.blocks.find((b: any) => b.block_id === blockId);
const optionIndex = (view: any, blockId: string, label: string) => input(view, blockId).element.options.find((o: any) => o.text.text === label).value;

describe('/catalog create in Slack', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let features: SlackFeatures;
  let worker: Worker;
  let work: string;
  const woken: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    work = await mkdtemp(join(tmpdir(), 'callsheet-slack-create-'));
    await addSource(db, './catalog', '/catalog', false, await Promise.all(people.map((d, i) => recordOf(d, `org-${i}.yaml`))));
    await addShippedTemplates(db, { 'docs-site': { 'callsheet.io/allowed-groups': 'team-b' } });
    const logger = silentLogger();
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger, clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, worker: { wake: () => woken.push(Date.now()) } });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ADA', name: 'Ada' });
    worker = createWorker({
      db,
      clock: systemClock,
      logger,
      workerId: 'slack-create',
      notifier: features.taskNotifier,
      actions: builtinActions({ registrar: realRegistrar(db, work), publishGit: { reposDir: join(work, 'data', 'repos') } }),
      workDir: work,
    });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('opens the template picker with views.open at once, and lists only the templates the user may run', async () => {
    const res = await bed.slash('/catalog', 'create');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await eventually(() => expect(bed.fake.accepted('views.open')).toHaveLength(1));
    const [open] = bed.fake.accepted('views.open');
    expect(open.args.trigger_id).toMatch(/^trigger-/);
    const view = open.args.view;
    expect(view.callback_id).toBe(TEMPLATE_PICK);
    expect(input(view, 'template').element).toMatchObject({ type: 'external_select', action_id: TEMPLATE_ACTION });
    // The generic command listener left the line alone: no "create" answer was sent anywhere.
    expect(bed.fake.attempts('response_url')).toHaveLength(0);

    const all = await interact(bed, optionsLoad(view, 'template', TEMPLATE_ACTION, ''));
    expect(all.json.options.map((o: any) => o.value)).toEqual(['template:default/typescript-service', 'template:default/typescript-library']);
    const searched = await interact(bed, optionsLoad(view, 'template', TEMPLATE_ACTION, 'servi'));
    expect(searched.json.options).toEqual([{ text: { type: 'plain_text', text: 'TypeScript HTTP service (typescript-service)', emoji: true }, value: 'template:default/typescript-service' }]);
  });

  it('walks the form page by page with server-side errors on the exact field, then creates the task and reports it until the links', async () => {
    const picker = bed.fake.accepted('views.open')[0].args.view;
    const none = await interact(bed, viewSubmission(picker, {}));
    expect(none.json).toEqual({ response_action: 'errors', errors: { template: 'Choose a template' } });

    const picked = await interact(bed, viewSubmission(picker, { template: { selected_option: { value: 'template:default/typescript-service' } } }));
    expect(picked.json.response_action).toBe('update');
    const page1 = picked.json.view;
    expect(viewProblem(page1)).toBeUndefined();
    expect(page1.callback_id).toBe(FORM_PAGE);
    expect(page1.submit.text).toBe('Next');
    // Sorted: the order of properties is the catalog's (jsonb) order, not this test's concern.
    expect(page1.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element.type]).sort()).toEqual([
      ['f:description', 'plain_text_input'],
      ['f:lifecycle', 'static_select'],
      ['f:name', 'plain_text_input'],
      ['f:owner', 'external_select'],
      ['f:port', 'number_input'],
      ['f:system', 'external_select'],
    ]);
    expect(input(page1, 'f:port').element).toMatchObject({ initial_value: '8080', min_value: '1024', max_value: '65535', is_decimal_allowed: false });
    expect(input(page1, 'f:lifecycle').element.initial_option.text.text).toBe('experimental');

    const owners = await interact(bed, optionsLoad(page1, 'f:owner', FIELD_ACTION, 'team'));
    // OwnerPicker allows a typed ref (Backstage's allowArbitraryValues): what was typed is offered last.
    expect(owners.json.options.map((o: any) => [o.value, o.text.text])).toEqual([
      ['group:default/team-a', 'team-a'],
      ['group:default/team-b', 'team-b'],
      ['team', 'Use "team"'],
    ]);

    const answers = (name: string) => ({
      'f:name': { value: name },
      'f:description': { value: 'Takes refunds' },
      'f:owner': { selected_option: { value: 'group:default/team-a' } },
      'f:system': { selected_option: { value: 'system:default/payments' } },
      'f:lifecycle': { selected_option: { value: optionIndex(page1, 'f:lifecycle', 'production') } },
      'f:port': { value: '8081' },
    });
    const wrong = await interact(bed, viewSubmission(page1, answers('Refunds API!')));
    expect(wrong.json.response_action).toBe('errors');
    expect(Object.keys(wrong.json.errors)).toEqual(['f:name']);
    expect(wrong.json.errors['f:name']).toMatch(/must match the pattern/);

    const next = await interact(bed, viewSubmission(page1, answers('refunds-api')));
    expect(next.json.response_action).toBe('update');
    const page2 = next.json.view;
    expect(viewProblem(page2)).toBeUndefined();
    expect(page2.submit.text).toBe('Create');
    expect(JSON.parse(page2.private_metadata)).toMatchObject({ t: 'template:default/typescript-service', p: 1, c: 'C0GENERAL', vals: { name: 'refunds-api', owner: 'group:default/team-a', lifecycle: 'production', port: 8081 } });
    expect(page2.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['f:publishTo']);
    expect(input(page2, 'f:publishTo').dispatch_action).toBe(true);

    // Choosing GitHub makes the repository question apply: the page is asked again with it.
    const github = await interact(bed, viewSubmission(page2, { 'f:publishTo': { selected_option: { value: optionIndex(page2, 'f:publishTo', 'GitHub') } } }));
    expect(github.json.response_action).toBe('update');
    expect(github.json.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['f:publishTo', 'f:repoUrl']);
    const noRepo = await interact(bed, viewSubmission(github.json.view, { 'f:publishTo': { selected_option: { value: optionIndex(page2, 'f:publishTo', 'GitHub') } }, 'f:repoUrl': { value: 'gitlab.com/acme/refunds' } }));
    expect(noRepo.json).toEqual({ response_action: 'errors', errors: { 'f:repoUrl': 'host must be one of: github.com' } });

    const done = await interact(bed, viewSubmission(github.json.view, { 'f:publishTo': { selected_option: { value: optionIndex(page2, 'f:publishTo', 'Git repository hosted by Callsheet') } } }));
    expect(done.json).toEqual({ response_action: 'clear' });

    await eventually(() => expect(woken).toHaveLength(1));
    const [task] = await database.db.select().from(scaffolderTasks);
    expect(task).toMatchObject({ templateRef: 'template:default/typescript-service', status: 'open', values: { name: 'refunds-api', publishTo: 'callsheet', owner: 'group:default/team-a', port: 8081 } });
    expect(task.values).not.toHaveProperty('repoUrl');
    expect(task.replyTo).toMatchObject({ platform: 'slack', channel: 'DU0ADA' });
    expect(bed.fake.accepted('conversations.open').map((c) => c.args.users)).toEqual(['U0ADA']);
    const [message] = bed.fake.messages('DU0ADA');
    expect(message.ts).toBe(task.replyTo!.ts);
    expect(blockText(message.blocks)).toContain('Fetch the skeleton');

    expect(await worker.runOnce()).toBe(true);
    const updates = bed.fake.accepted('chat.update').filter((c) => c.args.channel === 'DU0ADA' && c.args.ts === message.ts);
    // One when the task was created, one per step, one at the end.
    expect(updates.length).toBeGreaterThanOrEqual(2 + 4);
    const final = blockText(message.blocks);
    expect(message.blocks![0].text.text).toBe('TypeScript HTTP service — done');
    expect(final).toMatch(/✓ Fetch the skeleton/);
    expect(final).toMatch(/– Publish to GitHub \(skipped\)/);
    expect(final).toMatch(/Repository: `file:\/\/.*\/refunds-api\.git`/);
    expect(final).toContain('component:default/refunds-api');
    const show = message.blocks!.flatMap((b: any) => (b.accessory ? [b.accessory] : [])).find((e: any) => e.text.text === 'Show in catalog');
    expect(show.value).toBe('owner component:default/refunds-api');

    const owner = await runLine('owner refunds-api', { db: database.db, clock: systemClock, logger: silentLogger(), requester: { platform: 'slack' }, staleAfterDays: 180 });
    expect(owner.isError).toBeFalsy();
    expect(JSON.stringify(owner)).toContain('team-a');
  });

  it('/catalog create <name> skips the picker: a loading modal at once, then the first page', async () => {
    const before = bed.fake.accepted('views.open').length;
    await bed.slash('/catalog', 'create typescript-library');
    await eventually(() => expect(bed.fake.accepted('views.update').at(-1)?.args.view.callback_id).toBe(FORM_PAGE));
    const opened = bed.fake.accepted('views.open').slice(before);
    expect(opened).toHaveLength(1);
    expect(blockText(opened[0].args.view.blocks)).toBe('Loading…');
    const update = bed.fake.accepted('views.update').at(-1)!;
    expect(update.args.view_id).toMatch(/^V\d+$/);
    expect(JSON.parse(update.args.view.private_metadata)).toMatchObject({ t: 'template:default/typescript-library', p: 0 });
  });

  it('refuses a template limited to other groups, and offers the picker for a name that does not exist', async () => {
    await bed.slash('/catalog', 'create docs-site');
    await eventually(() => expect(blockText(bed.fake.accepted('views.update').at(-1)?.args.view.blocks)).toMatch(/You may not run/));
    expect(blockText(bed.fake.accepted('views.update').at(-1)!.args.view.blocks)).toContain('limited to members of group:default/team-b');

    await bed.slash('/catalog', 'create typescript-servce');
    await eventually(() => expect(bed.fake.accepted('views.update').at(-1)?.args.view.callback_id).toBe(TEMPLATE_PICK));
    expect(blockText(bed.fake.accepted('views.update').at(-1)!.args.view.blocks)).toMatch(/No template called "typescript-servce". Did you mean \*TypeScript HTTP service\* \(typescript-service\)/);
  });

  it('a "Create" button (from the create command) opens the form, and a changed choice redraws the page at once', async () => {
    const before = bed.fake.accepted('views.update').length;
    await bed.click(buttonClick({ actionId: 'callsheet.action:scaffolder.open:0', value: JSON.stringify({ template: 'template:default/typescript-service' }), responseUrl: bed.fake.responseUrl('open') }));
    await eventually(() => expect(bed.fake.accepted('views.update').length).toBeGreaterThan(before));
    const page1 = bed.fake.accepted('views.update').at(-1)!.args.view;
    expect(JSON.parse(page1.private_metadata)).toMatchObject({ t: 'template:default/typescript-service', p: 0, c: 'C0GENERAL' });

    const page2 = { ...page1, private_metadata: JSON.stringify({ t: 'template:default/typescript-service', p: 1, vals: { name: 'x' } }) };
    // The publishTo options are the enum in order: callsheet (0), github (1).
    const github = '1';
    await interact(bed, {
      type: 'block_actions',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'U0ADA', username: 'ada', name: 'ada', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'x',
      trigger_id: '3333.4444.redraw',
      container: { type: 'view', view_id: 'V0REDRAW' },
      view: { ...viewSubmission(page2, {}).view, id: 'V0REDRAW', state: { values: { 'f:publishTo': { [FIELD_ACTION]: { type: 'static_select', selected_option: { value: github } } } } } },
      actions: [{ type: 'static_select', action_id: FIELD_ACTION, block_id: 'f:publishTo', selected_option: { value: github }, action_ts: '1' }],
    });
    await eventually(() => expect(bed.fake.accepted('views.update').at(-1)?.args.view_id).toBe('V0REDRAW'));
    const redrawn = bed.fake.accepted('views.update').at(-1)!.args;
    expect(redrawn.hash).toBe('1700000000.abc');
    expect(redrawn.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['f:publishTo', 'f:repoUrl']);
  });
});
