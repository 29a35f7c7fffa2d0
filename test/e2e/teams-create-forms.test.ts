import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsFeatures } from '../../adapters/teams/features.js';
import { systemClock } from '../../src/clock.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { realRegistrar } from '../helpers/registrar.js';
import { addSource, recordOf, templatesDir } from '../helpers/scaffolder.js';
import { cardText, expectValidCard, invoke, startBot, type RunningBot } from '../helpers/teams.js';

type Card = Record<string, unknown> & { body: Array<Record<string, unknown>>; actions?: Array<Record<string, unknown>> };
type TaskBody = { task: { type: 'continue' | 'message'; value: string | { card: { content: Card } } } };

const conformance = new URL('../fixtures/conformance/', import.meta.url).pathname;
const templateFiles = [
  ...['create-react-app', 'react-ssr-template', 'pull-request', 'docs-template-cookiecutter', 'clean-architecture-app', 'docs-template', 'rails-demo', 'springboot-grpc-template', 'gitlab-merge-request'].map((t) => join(conformance, 'templates', `backstage-software-templates--${t}`, 'template.yaml')),
  join(conformance, 'create-app', 'template', 'template.yaml'),
  ...['typescript-service', 'typescript-library', 'docs-site'].map((t) => join(templatesDir, t, 'template.yaml')),
];

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;
let work: string;
const refs: string[] = [];

function dialogCard(body: unknown): Card {
  const task = (body as TaskBody).task;
  expect(task.type).toBe('continue');
  const card = (task.value as { card: { content: Card } }).card.content;
  expectValidCard(card);
  return card;
}
/** What Teams submits for a button: its data and every input's current value. */
const submitData = (card: Card, title: string) => ({
  ...Object.fromEntries(card.body.filter((e) => String(e.type).startsWith('Input.') && e.value !== undefined).map((e) => [String(e.id), String(e.value)])),
  ...(card.actions!.find((a) => a.title === title)!.data as Record<string, unknown>),
});

beforeAll(async () => {
  database = await createTestDatabase();
  connector = await startFakeBotConnector();
  work = await mkdtemp(join(tmpdir(), 'callsheet-teams-forms-'));
  // An empty catalog: templates only, no Groups, Users or Systems for the pickers to offer.
  for (const [i, file] of templateFiles.entries()) {
    const raw = yaml.load(await readFile(file, 'utf8')) as { metadata: { name: string } };
    const record = await recordOf(raw, `t${i}/template.yaml`);
    refs.push(record.ref);
    await addSource(database.db, `templates-${i}`, join(dirname(file), '..'), true, [{ ...record, filePath: `${file.split('/').at(-2)}/template.yaml` }]);
  }
  bot = await startBot(database.db, connector);
  const runner = { actions: builtinActions({ registrar: realRegistrar(database.db, work), publishGit: { reposDir: join(work, 'repos') } }), clock: systemClock, logger: silentLogger(), workDir: join(work, 'tasks') };
  teamsFeatures({ db: database.db, logger: silentLogger(), clock: systemClock, adapter: bot.adapter, runner });
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const open = (template: string) => bot.post(invoke(connector, 'task/fetch', { data: { msteams: { type: 'task/fetch' }, callsheet: 'action', id: 'scaffolder.open', value: { template } }, context: { theme: 'default' } }));

describe('Teams create dialogs', () => {
  it('every template dialog is a valid card on an empty catalog (pickers with no entity)', async () => {
    expect(refs).toHaveLength(13);
    for (const ref of refs) {
      const res = await open(ref);
      expect(res.status).toBe(200);
      const card = dialogCard(res.body);
      expect(cardText(card)).not.toContain('"choices":[]');
    }
  });

  it('a picker with nothing to offer takes a typed ref where Backstage allows one', async () => {
    const card = dialogCard((await open('template:default/typescript-service')).body);
    const owner = card.body.find((e) => e.label === 'Owner');
    // OwnerPicker allows arbitrary values: a text input stands in for the empty choice set.
    expect(owner).toMatchObject({ type: 'Input.Text', placeholder: expect.stringMatching(/^No .* in the catalog yet: type a reference$/) });
  });

  it('Preview on the last page shows a dry run in the dialog, with a way back; nothing is created', async () => {
    const first = dialogCard((await open('template:default/typescript-library')).body);
    const ids = Object.fromEntries(first.body.filter((e) => String(e.type).startsWith('Input.')).map((e) => [e.label, String(e.id)]));
    let card = first;
    let data: Record<string, unknown> = { ...submitData(first, first.actions!.some((a) => a.title === 'Preview') ? 'Preview' : 'Next'), [ids.Name]: 'previewed-lib', ...(ids.Owner ? { [ids.Owner]: 'group:default/team-x' } : {}) };
    for (let i = 0; i < 5 && data.nav !== 'preview'; i++) {
      card = dialogCard((await bot.post(invoke(connector, 'task/submit', { data, context: { theme: 'default' } }))).body);
      data = submitData(card, card.actions!.some((a) => a.title === 'Preview') ? 'Preview' : 'Next');
    }
    expect(data.nav).toBe('preview');
    const shown = dialogCard((await bot.post(invoke(connector, 'task/submit', { data, context: { theme: 'default' } }))).body);
    const text = cardText(shown);
    expect(text).toContain('dry run');
    expect(text).toContain('catalog-info.yaml');
    expect(text).toContain('previewed-lib');
    expect(text).toMatch(/does not support dry run/);
    const back = dialogCard((await bot.post(invoke(connector, 'task/submit', { data: submitData(shown, 'Back to the form'), context: { theme: 'default' } }))).body);
    expect(back.actions!.map((a) => a.title)).toContain('Create');
    expect(await database.db.select().from(scaffolderTasks)).toEqual([]);
  });
});
