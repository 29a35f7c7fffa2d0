import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures } from '../../adapters/slack/features.js';
import { FIELD_ACTION, PREVIEW_ACTION } from '../../adapters/slack/render-form.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { viewProblem } from '../fakes/slack-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { realRegistrar } from '../helpers/registrar.js';
import { addSource, recordOf, templateEntity } from '../helpers/scaffolder.js';
import { blockText, interact, optionsLoad, viewSubmission } from '../helpers/slack-interactions.js';
import { startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const eventually = <T>(check: () => T) => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const regions = Array.from({ length: 150 }, (_, i) => `region-${i + 1}`);
const input = (view: any, blockId: string) => view.blocks.find((b: any) => b.block_id === blockId);

describe('Slack create forms: long selects and Preview', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let work: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    work = await mkdtemp(join(tmpdir(), 'callsheet-slack-forms-'));
    const people = [
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { memberOf: ['team-a'] } },
    ];
    await addSource(db, './catalog', '/catalog', false, await Promise.all(people.map((d, i) => recordOf(d, `org-${i}.yaml`))));
    const template = templateEntity('regional', {
      parameters: [{ title: 'Where', required: ['name', 'region'], properties: { name: { type: 'string', title: 'Name' }, region: { type: 'string', title: 'Region', enum: regions, default: 'region-120' } } }],
      steps: [
        { id: 'write', action: 'catalog:write', input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: '${{ parameters.name }}', annotations: { region: '${{ parameters.region }}' } }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' } } } },
        { id: 'publish', action: 'publish:git', input: { name: '${{ parameters.name }}' } },
      ],
    });
    await addSource(db, 'forms-templates', work, true, [await recordOf(template, 'regional/template.yaml')]);
    const runner = { actions: builtinActions({ registrar: realRegistrar(db, work), publishGit: { reposDir: join(work, 'repos') } }), clock: systemClock, logger: silentLogger(), workDir: join(work, 'tasks') };
    bed = await startTestbed(db, (fake) => {
      const features = slackFeatures({ db, logger: silentLogger(), clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, runner });
      return { runLine, actions: features.actions, extensions: features.extensions };
    });
    bed.fake.addUser({ id: 'U0ADA', name: 'Ada' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function openForm() {
    await bed.slash('/catalog', 'create regional');
    const update = await eventually(() => {
      const found = bed.fake.accepted('views.update').find((c: any) => input(c.args.view, 'f:region'));
      expect(found).toBeDefined();
      return found!;
    });
    return update.args.view;
  }

  it('a select of more than 100 options is a typeahead with its default kept, answered server-side', async () => {
    const view = await openForm();
    expect(viewProblem(view)).toBeUndefined();
    const element = input(view, 'f:region').element;
    expect(element).toMatchObject({ type: 'external_select', action_id: FIELD_ACTION, initial_option: { text: { text: 'region-120' }, value: '119' } });
    expect(element.options).toBeUndefined();
    const found = await interact(bed, optionsLoad(view, 'f:region', FIELD_ACTION, 'region-14'));
    expect(found.json.options.map((o: any) => o.text.text)).toEqual(['region-14', ...Array.from({ length: 10 }, (_, i) => `region-${140 + i}`)]);
    const all = await interact(bed, optionsLoad(view, 'f:region', FIELD_ACTION, ''));
    expect(all.json.options).toHaveLength(100);
    // The 150th option, out of reach of a static menu, is submitted and stored as its value.
    const submitted = await interact(bed, viewSubmission(view, { 'f:name': { value: 'far-away' }, 'f:region': { selected_option: { value: '149' } } }));
    expect(submitted.json.response_action).toBe('clear');
    const tasks = await eventually(async () => {
      const rows = await database.db.select().from(scaffolderTasks);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect((await tasks)[0].values).toMatchObject({ name: 'far-away', region: 'region-150' });
  });

  it('Preview on the last page pushes a dry run: steps, files, catalog-info.yaml; nothing published', async () => {
    const view = await openForm();
    const preview = input(view, 'preview');
    expect(preview.elements[0]).toMatchObject({ type: 'button', action_id: PREVIEW_ACTION });
    const state = viewSubmission(view, { 'f:name': { value: 'previewed' }, 'f:region': { selected_option: { value: '4' } } }).view;
    const before = (await database.db.select().from(scaffolderTasks)).length;
    const res = await interact(bed, {
      type: 'block_actions',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'U0ADA', username: 'ada', name: 'ada', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'x',
      trigger_id: '3333.4444.preview',
      container: { type: 'view', view_id: 'V0MODAL' },
      view: state,
      actions: [{ type: 'button', action_id: PREVIEW_ACTION, block_id: 'preview', value: 'preview', action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    await eventually(() => expect(bed.fake.accepted('views.push')).toHaveLength(1));
    const shown = await eventually(() => {
      const done = bed.fake.accepted('views.update').find((c: any) => c.args.view.title.text === 'Preview' && blockText(c.args.view.blocks).includes('— dry run'));
      expect(done).toBeDefined();
      return done!.args.view;
    });
    expect(viewProblem(shown)).toBeUndefined();
    const text = JSON.stringify(shown.blocks);
    expect(text).toContain('catalog-info.yaml');
    expect(text).toContain('name: previewed');
    expect(text).toContain('region: region-5');
    expect(text).toMatch(/does not support dry run/);
    expect((await database.db.select().from(scaffolderTasks)).length).toBe(before);
  });
});
