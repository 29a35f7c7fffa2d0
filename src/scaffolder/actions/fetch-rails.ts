/**
 * fetch:rails — Backstage's action of the same name (@backstage/plugin-scaffolder-backend-module-rails):
 * the template content at `url` is fetched, `rails new <values.name>` runs over it with
 * `values.railsArguments`, and the generated app lands in the workspace at `targetPath`. Callsheet
 * runs the local `rails` program only (no Docker: `imageName` is reported and not acted on), and is
 * registered only where one is found, so a host without rails refuses the template before its form.
 * What lands is what the app's own .gitignore keeps, minus the credentials pair (see below).
 */
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { git } from '../git.js';
import { PathRefused } from '../workspace.js';
import { railsNewArguments, runRails, type RailsArguments } from './rails-new.js';
import { withSource, type RemoteReader } from './source-folder.js';
import { resolveTemplateUrl, walkTemplateDir } from './template-files.js';
import { createAction } from './types.js';

const railsArguments = z
  .object({
    minimal: z.boolean().optional(),
    api: z.boolean().optional(),
    skipBundle: z.boolean().optional(),
    skipWebpackInstall: z.boolean().optional(),
    skipActiveRecord: z.boolean().optional(),
    skipTest: z.boolean().optional(),
    skipActionCable: z.boolean().optional(),
    skipActionMailer: z.boolean().optional(),
    skipActionMailbox: z.boolean().optional(),
    skipActiveStorage: z.boolean().optional(),
    skipActionText: z.boolean().optional(),
    force: z.boolean().optional(),
    template: z.string().optional(),
    webpacker: z.enum(['react', 'vue', 'angular', 'elm', 'stimulus']).optional(),
    database: z.enum(['mysql', 'postgresql', 'sqlite3', 'oracle', 'sqlserver', 'jdbcmysql', 'jdbcsqlite3', 'jdbcpostgresql', 'jdbc']).optional(),
    railsVersion: z.enum(['dev', 'edge', 'master', 'fromImage']).optional(),
  })
  .strip();

const schema = z
  .object({
    url: z.string().min(1),
    targetPath: z.string().default('./'),
    // rails-demo passes name, owner and system beside railsArguments; only name and railsArguments matter to rails.
    values: z.object({ name: z.unknown(), railsArguments: railsArguments.optional() }).passthrough(),
  })
  .strict();

/** What `rails new` accepts as an application name (and what stays one folder). */
const APP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

/**
 * Generated, but not kept: the key decrypting the credentials is a secret (rails' own .gitignore
 * leaves it out of the repository) and the Callsheet host keeps no copy, so the encrypted file would
 * be unreadable; `bin/rails credentials:edit` in the new repository makes a fresh pair.
 */
const NOT_KEPT = new Set(['config/master.key', 'config/credentials.yml.enc']);

export interface FetchRailsOptions {
  /** The rails program to run (found on PATH by the composition root). */
  command: string;
  timeoutMs?: number;
}

/**
 * Files of the generated app that its .gitignore keeps. The `.git` rails made is dropped first and a
 * fresh one made: its config was writable by the application template (core.fsmonitor runs a
 * command), and git here runs with the service's environment.
 */
async function keptFiles(app: string): Promise<string[]> {
  await rm(join(app, '.git'), { recursive: true, force: true });
  await git(['init', '-q'], { cwd: app });
  const { stdout } = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: app });
  return stdout.split('\0').filter(Boolean).sort();
}

export function fetchRailsAction(options: FetchRailsOptions, remote?: RemoteReader) {
  return createAction({
    id: 'fetch:rails',
    description: 'Fetches template content and runs `rails new` over it (the local rails program), putting the app into the workspace',
    schema,
    async handler(ctx) {
      const { input, workspace } = ctx;
      const name = input.values.name;
      if (typeof name !== 'string' || !APP_NAME.test(name)) throw new Error(`values.name ${JSON.stringify(name)}: rails new needs an application name of letters, digits, - and _, starting with a letter`);
      const args: RailsArguments = input.values.railsArguments ?? {};
      const work = await mkdtemp(join(tmpdir(), 'callsheet-rails-'));
      try {
        const content = join(work, 'content');
        await mkdir(content);
        await withSource(ctx.templateDir, input.url, remote, workspace.limits, async (source, kind) => {
          if (kind === 'file') throw new Error(`url ${input.url} names a file; fetch:rails needs a folder of template content`);
          for (const file of (await walkTemplateDir(source, workspace.limits)).files) {
            await mkdir(join(content, file.path, '..'), { recursive: true });
            await copyFile(file.full, join(content, file.path));
          }
        });
        let templatePath: string | undefined;
        if (args.template) {
          if (/^[a-z][a-z0-9+.-]*:/i.test(args.template) || posix.isAbsolute(args.template)) {
            throw new PathRefused(`railsArguments.template ${args.template}: an application template runs as Ruby code here, so it must be a file in the template content (e.g. ./rails-template-file.rb), not a URL or a path on the host`);
          }
          templatePath = await resolveTemplateUrl(content, args.template);
          if (!(await lstat(templatePath).catch(() => undefined))?.isFile()) throw new Error(`railsArguments.template ${args.template} is not a file in the template content fetched from ${input.url}`);
        }
        if (!args.skipBundle || !args.skipWebpackInstall) ctx.logger.warn('rails new runs with --skip-bundle --skip-webpack-install here: bundle install and webpacker:install fetch and build code on the Callsheet host; run them in the new repository');
        const out = join(work, 'out');
        const home = join(work, 'home');
        await mkdir(out);
        await mkdir(home);
        await runRails({ command: options.command, args: ['new', join(out, name), ...railsNewArguments(args, templatePath)], cwd: content, home, timeoutMs: options.timeoutMs ?? 180_000, onLine: (line) => ctx.logger.info(line) });
        const app = join(out, name);
        if (!(await lstat(app).catch(() => undefined))?.isDirectory()) throw new Error('No data generated by rails');
        const files = await keptFiles(app);
        const target = input.targetPath.replace(/\/+$/, '') || '.';
        let copied = 0;
        for (const path of files) {
          if (NOT_KEPT.has(path)) continue;
          const stat = await lstat(join(app, path));
          if (stat.isSymbolicLink()) throw new PathRefused(`rails generated ${path} as a symbolic link; symlinks are not copied`);
          if (!stat.isFile()) continue;
          await workspace.write(`${target}/${path}`, await readFile(join(app, path)), { replace: true, mode: stat.mode & 0o777 });
          copied++;
        }
        const dropped = files.filter((f) => NOT_KEPT.has(f));
        if (dropped.length) ctx.logger.warn(`Not kept: ${dropped.join(', ')} (config/master.key, its key, is a secret that never goes into a repository; run bin/rails credentials:edit in the new repository for a fresh pair)`);
        ctx.logger.info(`rails new ${name}: ${copied} file(s) into ${target}`);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  });
}
