/**
 * fetch:rails with Backstage's inputs: the argument mapping of Backstage's railsArgumentResolver, and
 * real `rails new` runs (the local rails program; bash .ci/run installs Debian's ruby-railties) over
 * template content in a temp folder: the app lands at targetPath, an application template inside the
 * content is applied, a URL or host path as template is refused, no secret reaches rails, and the
 * credentials pair stays out of the workspace.
 */
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRailsAction } from '../../src/scaffolder/actions/fetch-rails.js';
import { findRails, railsNewArguments } from '../../src/scaffolder/actions/rails-new.js';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { createWorkspace } from '../../src/scaffolder/workspace.js';

describe("railsNewArguments (Backstage's railsArgumentResolver)", () => {
  it('maps the options in Backstage’s order, and never lets bundle or webpacker install run', () => {
    expect(railsNewArguments({ minimal: true, api: true, skipTest: true, force: true, webpacker: 'react', database: 'postgresql', railsVersion: 'edge' }, '/c/t.rb')).toEqual([
      '--minimal', '--api', '--skip-test', '--force', '--webpack', 'react', '--database', 'postgresql', '--edge', '--template', '/c/t.rb', '--skip-bundle', '--skip-webpack-install',
    ]);
    expect(railsNewArguments({ skipBundle: true, skipWebpackInstall: true, railsVersion: 'fromImage', minimal: false })).toEqual(['--skip-bundle', '--skip-webpack-install']);
  });
});

const rails = findRails();
if (!rails) console.warn('scaffolder-fetch-rails: no rails program on PATH, so the rails new runs are skipped (apt-get install ruby-railties; bash .ci/run installs it)');

describe.runIf(rails)('fetch:rails running rails new', () => {
  let dir: string;
  let templateDir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callsheet-fetch-rails-'));
    templateDir = join(dir, 'template-folder');
    await mkdir(join(templateDir, 'content'), { recursive: true });
    await writeFile(join(templateDir, 'content', 'app-template.rb'), "file 'docs/index.md', \"# #{app_name}\\n\"\nfile 'env.txt', ENV.keys.sort.join(\"\\n\")\n");
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function run(action: TemplateAction, input: Record<string, unknown>) {
    const root = join(dir, `ws-${Math.random().toString(36).slice(2)}`);
    await mkdir(root);
    const log: string[] = [];
    await action.handler({
      input: action.schema.parse(input),
      workspace: createWorkspace(root),
      templateDir,
      templateRef: 'template:default/rails',
      logger: { info: (m) => log.push(m), warn: (m) => log.push(`warn ${m}`) },
      output: () => {},
      user: {},
      task: { id: `t-${Math.random()}` },
      secrets: {},
    });
    return { root, log };
  }

  it('generates the app at targetPath with the content’s application template, keeping what its .gitignore keeps', async () => {
    process.env.CALLSHEET_FAKE_SECRET = 'do-not-pass';
    try {
      const action = fetchRailsAction({ command: rails! });
      const { root, log } = await run(action, { url: './content', targetPath: 'app', imageName: 'ruby:3', values: { name: 'ledger', owner: 'team-a', railsArguments: { api: true, template: './app-template.rb', database: 'postgresql' } } });
      expect(await readFile(join(root, 'app/docs/index.md'), 'utf8')).toBe('# ledger\n');
      expect(await readFile(join(root, 'app/config/database.yml'), 'utf8')).toContain('postgresql');
      expect(await readFile(join(root, 'app/Gemfile'), 'utf8')).toMatch(/gem ["']rails["']/);
      expect((await lstat(join(root, 'app/bin/rails'))).mode & 0o100).toBeTruthy();
      for (const gone of ['app/config/master.key', 'app/config/credentials.yml.enc', 'app/.git', 'app/tmp/restart.txt']) expect(await lstat(join(root, gone)).catch(() => undefined), gone).toBeUndefined();
      // rails ran without the service's environment.
      const env = await readFile(join(root, 'app/env.txt'), 'utf8');
      expect(env).not.toContain('CALLSHEET_FAKE_SECRET');
      expect(env.split('\n')).toContain('HOME');
      expect(log.join('\n')).toMatch(/warn rails new runs with --skip-bundle --skip-webpack-install/);
      expect(log.join('\n')).toMatch(/warn Not kept: config\/credentials.yml.enc \(config\/master.key, its key, is a secret/);
      expect(log.join('\n')).toMatch(/Ignored by Callsheet's fetch:rails: imageName/);
    } finally {
      delete process.env.CALLSHEET_FAKE_SECRET;
    }
  });

  it.each([
    ['https://example.com/evil.rb', /not a URL or a path on the host/],
    ['/etc/passwd', /not a URL or a path on the host/],
    ['../outside.rb', /leaves the template's folder/],
    ['./missing.rb', /is not a file in the template content/],
  ])('refuses railsArguments.template %s before rails runs', async (template, message) => {
    await expect(run(fetchRailsAction({ command: rails! }), { url: './content', values: { name: 'ledger', railsArguments: { template } } })).rejects.toThrow(message);
  });

  it('does not trust the .git the application template could write (core.fsmonitor would run a command)', async () => {
    const marker = join(dir, 'fsmonitor-ran');
    await mkdir(join(templateDir, 'hostile'), { recursive: true });
    await writeFile(join(templateDir, 'hostile', 't.rb'), `append_to_file '.git/config', "[core]\\n\\tfsmonitor = \\"touch ${marker}\\"\\n"\n`);
    const { root } = await run(fetchRailsAction({ command: rails! }), { url: './hostile', values: { name: 'quiet', railsArguments: { template: './t.rb' } } });
    expect(await lstat(join(root, 'Gemfile')).catch(() => undefined)).toBeDefined();
    expect(await lstat(marker).catch(() => undefined), 'the fsmonitor command ran').toBeUndefined();
  });

  it('refuses an application name that is not one folder, and a missing content folder', async () => {
    await expect(run(fetchRailsAction({ command: rails! }), { url: './content', values: { name: '../ledger' } })).rejects.toThrow(/values.name "..\/ledger": rails new needs an application name/);
    await expect(run(fetchRailsAction({ command: rails! }), { url: './nowhere', values: { name: 'ledger' } })).rejects.toThrow(/does not exist/);
  });

  it('holds the input to Backstage’s schema: values is required, unknown railsArguments are refused', () => {
    const action = fetchRailsAction({ command: rails! });
    expect(() => action.schema.parse({ url: './content' })).toThrow(/values/);
    expect(() => action.schema.parse({ url: './content', values: { name: 'x', railsArguments: { database: 'mongo' } } })).toThrow(/database/);
  });
});
