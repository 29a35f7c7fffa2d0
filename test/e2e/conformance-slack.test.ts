/**
 * Every public conformance template, unchanged, from `/catalog create <template>` through its Slack
 * modal pages to a finished task against the fake GitHub, as a person fills them in (defaults kept,
 * an owner picked, a new repository named). create-app's notification:send arrives as a Slack DM to
 * its recipient; gitlab-merge-request's merge request is opened on the fake GitLab (GITLAB_URL).
 * Templates needing an action Callsheet lacks are refused before the modal's form.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { FORM_PAGE } from '../../adapters/slack/render-form.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { missingActionReason } from '../../src/scaffolder/actions/catalogue.js';
import { findRails } from '../../src/scaffolder/actions/rails-new.js';
import { configureRunnableActions } from '../../src/scaffolder/preflight.js';
import type { StepRecord } from '../../src/scaffolder/tasks.js';
import { stateOf } from '../fakes/github/repo-state.js';
import { repoFor } from '../helpers/conformance-answers.js';
import { startConformanceBed, type ConformanceBed } from '../helpers/conformance-bed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { blockText, interact, viewSubmission } from '../helpers/slack-interactions.js';
import { startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const logger = silentLogger();
const eventually = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 15_000, interval: 20 });
const USER = 'U0GUEST';
// fetch:rails runs the local `rails` (bash .ci/run installs Debian's ruby-railties); without one it is refused before its modal's form (checked below on every host).
const rails = findRails();
if (!rails) console.warn('conformance-slack: no rails program on PATH, so the rails-demo run is left out; only its refusal is checked (apt-get install ruby-railties)');

/** The values a person leaves or types on one modal page. */
function fill(view: any, templateName: string): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks ?? []) {
    if (block.type !== 'input') continue;
    const e = block.element;
    const id: string = block.block_id;
    if (e.type === 'plain_text_input') {
      // The host the picker offers (its placeholder names the first allowed host: gitlab.com for GitLab).
      if (id === 'f:repoUrl') values[id] = { value: `${String(e.placeholder?.text ?? 'github.com').split('/')[0]}?owner=acme&repo=${repoFor(templateName, 'slack')}` };
      else if (id === 'f:branchName') values[id] = { value: `create-demo-${templateName}-slack` };
      else values[id] = { value: e.initial_value ?? (block.optional ? null : `demo-${templateName}`.slice(0, 60)) };
    } else if (e.type === 'static_select') values[id] = { selected_option: e.initial_option ?? e.options[0] };
    else if (e.type === 'external_select') values[id] = { selected_option: e.initial_option ?? { text: { type: 'plain_text', text: 'team-a' }, value: 'group:default/team-a' } };
    else if (e.type === 'checkboxes') values[id] = { selected_options: e.initial_options ?? [] };
    else if (e.type === 'number_input') values[id] = { value: e.initial_value ?? '1' };
    else if (e.type === 'multi_static_select' || e.type === 'multi_external_select') values[id] = { selected_options: e.initial_options ?? [] };
  }
  return values;
}

let database: TestDatabase;
let slack: Testbed;
let features: SlackFeatures;
let bed: ConformanceBed;

beforeAll(async () => {
  database = await createTestDatabase();
  slack = await startTestbed(database.db, (fake) => {
    features = slackFeatures({ db: database.db, logger, clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl }, worker: { wake: () => {} } });
    return { runLine, actions: features.actions, extensions: features.extensions };
  });
  slack.fake.addUser({ id: USER, name: 'Guest' });
  bed = await startConformanceBed({ database, notifier: features.taskNotifier, senders: () => [features.digestSender] });
});
afterAll(async () => {
  await slack?.close();
  await bed?.close();
  await database?.close();
});

async function openModal(name: string) {
  const before = slack.fake.accepted('views.update').length;
  await slack.slash('/catalog', `create ${name}`, { user: USER });
  await eventually(() => expect(slack.fake.accepted('views.update').length).toBeGreaterThan(before));
  return slack.fake.accepted('views.update').at(-1)!.args.view;
}

describe('conformance templates from a Slack modal', () => {
  it.each(['scaffold-bancolombia-java', 'create-react-app-template', 'docs-template', 'docs-template-cookiecutter', 'example-nodejs-template', 'gitlab-merge-request', 'pull-request', ...(rails ? ['rails-demo'] : []), 'react-ssr-template', 'springboot-template'])(
    '%s runs to completion unchanged',
    async (name) => {
      let view = await openModal(name);
      expect(view.callback_id, blockText(view.blocks)).toBe(FORM_PAGE);
      for (let page = 0; ; page++) {
        expect(page, 'pages submitted').toBeLessThan(10);
        const answer = await interact(slack, viewSubmission(view, fill(view, name), { user: USER }));
        if (answer.json?.response_action === 'clear') break;
        expect(answer.json?.response_action, JSON.stringify(answer.json)).toBe('update');
        view = answer.json.view;
      }
      // The task is created after Slack's ack; then the worker runs it.
      const mine = () => database.db.select().from(scaffolderTasks).where(eq(scaffolderTasks.templateRef, `template:default/${name}`));
      await eventually(async () => expect(await mine()).toHaveLength(1));
      expect(await bed.worker.runOnce()).toBe(true);
      const [task] = await mine();
      expect(task.status, JSON.stringify(task.steps, null, 1)).toBe('completed');
      expect((task.steps as StepRecord[]).every((s) => s.status === 'completed' || s.status === 'skipped')).toBe(true);
      if (name === 'gitlab-merge-request') {
        const mr = bed.gitlab.model.mustGet('acme/monorepo').mergeRequests.find((m) => m.source_branch === `create-demo-${name}-slack`);
        expect(mr, 'the merge request on the fake GitLab').toMatchObject({ title: `Creating catalog-info.yaml demo-${name} for backstage`, target_branch: 'main', state: 'opened' });
      } else if (name === 'rails-demo') {
        const repo = bed.github.org.mustGet(repoFor(name, 'slack'));
        expect([...repo.files.keys()]).toEqual(expect.arrayContaining(['Gemfile', 'config/routes.rb', 'docs/index.md', 'catalog-info.yaml']));
        expect(repo.files.has('config/master.key')).toBe(false);
      } else if (name === 'pull-request') expect(stateOf(bed.github.org.mustGet('monorepo')).pulls.at(-1)?.title).toBe(`Create new project: demo-${name}`);
      else expect(bed.github.org.get(repoFor(name, 'slack'))?.files.has('catalog-info.yaml')).toBe(true);
      // The progress DM ends with the result.
      await eventually(() => expect(slack.fake.messages(`D${USER}`).some((m) => /— done/.test(blockText(m.blocks)))).toBe(true));
      if (name === 'example-nodejs-template') {
        // notification:send to user:default/guest: a DM on Slack, as Backstage's notification.
        const texts = slack.fake.accepted('chat.postMessage').map((c) => JSON.stringify(c.args));
        expect(texts.some((t) => t.includes('Template executed') && t.includes('Your template has been executed'))).toBe(true);
      }
    },
  );

  it('rails-demo is refused before its form where no rails program is installed, saying why', async () => {
    // The registry as a host without rails has it (whatever this machine has), then restored.
    configureRunnableActions(bed.actions.ids().filter((id) => id !== 'fetch:rails'), missingActionReason);
    try {
      const view = await openModal('rails-demo');
      expect(view.callback_id).not.toBe(FORM_PAGE);
      expect(blockText(view.blocks)).toContain('action fetch:rails (step fetch-base) is not available: no rails program is installed');
    } finally {
      configureRunnableActions(bed.actions.ids(), missingActionReason);
    }
  });
});
