/**
 * Every public conformance template, unchanged, from the shell's `create <template>` wizard to a
 * finished task against the fake GitHub: prompts answered, the task run by the worker with all of
 * Callsheet's actions, the repository (or pull request) on GitHub, the new component registered.
 * The GitLab merge request template opens its merge request on the fake GitLab (GITLAB_URL).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInShell } from '../../adapters/shell/create-flow.js';
import { systemClock } from '../../src/clock.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { missingActionReason } from '../../src/scaffolder/actions/catalogue.js';
import { findRails } from '../../src/scaffolder/actions/rails-new.js';
import { configureRunnableActions } from '../../src/scaffolder/preflight.js';
import { formOf } from '../../src/scaffolder/service.js';
import { loadTemplate } from '../../src/scaffolder/templates.js';
import { shellNotifier } from '../../src/scaffolder/notifier.js';
import type { StepRecord } from '../../src/scaffolder/tasks.js';
import { stateOf } from '../fakes/github/repo-state.js';
import { repoFor, scriptedIo } from '../helpers/conformance-answers.js';
import { conformanceTemplates, startConformanceBed, type ConformanceBed, type ConformanceTemplate } from '../helpers/conformance-bed.js';

// fetch:rails runs the local `rails` (bash .ci/run installs Debian's ruby-railties); without one it is refused before its form (checked below on every host).
const rails = findRails();
if (!rails) console.warn('conformance-shell: no rails program on PATH, so the rails-demo run is left out; only its refusal is checked (apt-get install ruby-railties)');

let bed: ConformanceBed;
let templates: ConformanceTemplate[];
const printed: string[] = [];

beforeAll(async () => {
  templates = await conformanceTemplates();
  bed = await startConformanceBed({ notifier: shellNotifier((t) => printed.push(t)) });
});
afterAll(async () => bed?.close());

describe('conformance templates from the shell', () => {
  it('has the 10 templates', () => expect(templates).toHaveLength(10));

  it.each([
    'scaffold-bancolombia-java',
    'create-react-app-template',
    'docs-template',
    'docs-template-cookiecutter',
    'example-nodejs-template',
    'gitlab-merge-request',
    'pull-request',
    ...(rails ? ['rails-demo'] : []),
    'react-ssr-template',
    'springboot-template',
  ])('%s runs to completion unchanged', async (name) => {
    const template = templates.find((t) => t.name === name);
    expect(template, `template ${name} in the fixtures (have ${templates.map((t) => t.name).join(', ')})`).toBeDefined();
    const db = bed.database.db;
    const record = (await loadTemplate(db, `template:default/${name}`))!;
    const transcript: string[] = [];
    const reply = await createInShell({ db, clock: systemClock, wake: () => {} }, name, { platform: 'shell', userRef: 'user:default/guest', displayName: 'guest' }, scriptedIo(formOf(record), name, transcript));
    expect(reply.isError, `${reply.summary}\n${transcript.join('\n')}`).toBeFalsy();
    expect(await bed.worker.runOnce()).toBe(true);
    const [task] = await db.select().from(scaffolderTasks).where(eq(scaffolderTasks.templateRef, `template:default/${name}`));
    const steps = task.steps as StepRecord[];
    expect(task.status, JSON.stringify(steps, null, 1)).toBe('completed');
    expect(steps.every((s) => s.status === 'completed' || s.status === 'skipped')).toBe(true);
    if (name === 'gitlab-merge-request') {
      // The merge request really exists on the fake GitLab, with the rendered skeleton on its branch.
      const project = bed.gitlab.model.mustGet('acme/monorepo');
      expect(project.mergeRequests.at(-1)).toMatchObject({ title: `Creating catalog-info.yaml demo-${name} for backstage`, source_branch: `create-demo-${name}`, target_branch: 'main', state: 'opened', remove_source_branch: true });
      expect(project.branches.get(`create-demo-${name}`)?.get('catalog-info.yaml')).toContain(`demo-${name}`);
      // The RepoUrlPicker offered the GitLab host the template allows.
      expect(transcript.join('\n')).toMatch(/host: gitlab\.com\nRepository Location/);
      expect(task.outputs).toMatchObject({ links: [{ title: 'Go to Gitlab MR', url: `${bed.gitlab.url}/acme/monorepo/-/merge_requests/${project.mergeRequests.at(-1)!.iid}` }] });
    } else if (name === 'rails-demo') {
      // rails new ran over the template content: a Rails app with the application template's file,
      // the catalog entry written beside it, and no credentials key in the repository.
      const repo = bed.github.org.mustGet(repoFor(name, 'shell'));
      for (const file of ['Gemfile', 'config/routes.rb', 'app/controllers/application_controller.rb', 'bin/rails', '.gitignore', 'catalog-info.yaml']) expect(repo.files.has(file), file).toBe(true);
      expect(repo.files.get('docs/index.md')?.text).toContain('# demo_rails_demo'); // rails' app_name
      expect(repo.files.has('config/master.key')).toBe(false);
      expect(repo.files.has('log/development.log')).toBe(false);
      const fetch = steps.find((s) => s.action === 'fetch:rails')!;
      expect(fetch.log.join('\n')).toMatch(/--skip-bundle --skip-webpack-install/);
    } else if (name === 'pull-request') {
      const pulls = stateOf(bed.github.org.mustGet('monorepo')).pulls;
      expect(pulls.at(-1)).toMatchObject({ title: `Create new project: demo-${name}`, head: `create-demo-${name}` });
    } else {
      const repo = bed.github.org.get(repoFor(name, 'shell'));
      expect(repo, 'the new repository on the fake GitHub').toBeDefined();
      expect(repo!.files.has('catalog-info.yaml')).toBe(true);
      // publish:github's allowedHosts (in most of these templates) is reported, never a failure.
      const publish = steps.find((s) => s.action === 'publish:github')!;
      if (JSON.stringify(record.entity.spec?.steps).includes('allowedHosts')) expect(publish.log.join('\n')).toMatch(/not an input of Backstage's publish:github either: allowedHosts/);
    }
  });

  it('rails-demo is refused before its form where no rails program is installed, saying why', async () => {
    // The registry as a host without rails has it (whatever this machine has), then restored.
    configureRunnableActions(bed.actions.ids().filter((id) => id !== 'fetch:rails'), missingActionReason);
    try {
      const db = bed.database.db;
      const asked: string[] = [];
      const reply = await createInShell({ db, clock: systemClock, wake: () => {} }, 'rails-demo', { platform: 'shell' }, { ask: async (q) => (asked.push(q), ''), say: () => {} });
      expect(reply.isError).toBe(true);
      expect(reply.summary).toContain('action fetch:rails (step fetch-base) is not available: no rails program is installed on the Callsheet host');
      expect(reply.summary).toMatch(/Nothing was started/);
      expect(asked).toEqual([]);
    } finally {
      configureRunnableActions(bed.actions.ids(), missingActionReason);
    }
  });
});
