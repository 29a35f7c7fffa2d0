/**
 * Running `rails new` for fetch:rails, as Backstage's RailsNewRunner does with a local `rails`: the
 * same argument mapping (railsArgumentResolver), the app generated into a fresh folder. Callsheet
 * differs where its host is at stake, and says so in the task log:
 * - `bundle install` and `webpacker:install` never run (`--skip-bundle --skip-webpack-install`): they
 *   fetch and build gems and packages from the network on the bot's host; the new repository gets its
 *   Gemfile and runs them in its own CI or on a developer's machine;
 * - an application `template` must be a file inside the fetched template content (`./x.rb`), never a
 *   URL or a path elsewhere on the host: it is Ruby code that rails runs;
 * - rails runs with an environment holding no secret (PATH, a temporary HOME, a locale), bounded in time.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RailsArguments {
  minimal?: boolean;
  api?: boolean;
  skipBundle?: boolean;
  skipWebpackInstall?: boolean;
  skipActiveRecord?: boolean;
  skipTest?: boolean;
  skipActionCable?: boolean;
  skipActionMailer?: boolean;
  skipActionMailbox?: boolean;
  skipActiveStorage?: boolean;
  skipActionText?: boolean;
  force?: boolean;
  template?: string;
  webpacker?: string;
  database?: string;
  railsVersion?: string;
}

const FLAGS: Array<[keyof RailsArguments, string]> = [
  ['minimal', '--minimal'],
  ['api', '--api'],
  ['skipBundle', '--skip-bundle'],
  ['skipWebpackInstall', '--skip-webpack-install'],
  ['skipActiveRecord', '--skip-active-record'],
  ['skipTest', '--skip-test'],
  ['skipActionCable', '--skip-action-cable'],
  ['skipActionMailer', '--skip-action-mailer'],
  ['skipActionMailbox', '--skip-action-mailbox'],
  ['skipActiveStorage', '--skip-active-storage'],
  ['skipActionText', '--skip-action-text'],
  ['force', '--force'],
];

/** Backstage's mapping of railsArguments to `rails new` options; `template` is given already resolved. */
export function railsNewArguments(options: RailsArguments, templatePath?: string): string[] {
  const out: string[] = [];
  for (const [key, flag] of FLAGS) if (options[key] === true) out.push(flag);
  if (options.webpacker) out.push('--webpack', options.webpacker);
  if (options.database) out.push('--database', options.database);
  if (options.railsVersion && options.railsVersion !== 'fromImage') out.push(`--${options.railsVersion}`);
  if (templatePath) out.push('--template', templatePath);
  // Never on the bot's host (see above); added once whatever the template asked.
  for (const flag of ['--skip-bundle', '--skip-webpack-install']) if (!out.includes(flag)) out.push(flag);
  return out;
}

/** The `rails` program on PATH, or undefined: fetch:rails is registered only where one is found. */
export function findRails(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'rails');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RailsRun {
  command: string;
  args: string[];
  cwd: string;
  home: string;
  timeoutMs: number;
  onLine(line: string): void;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs rails without a shell and without the service's environment; rejects with its last lines on failure. */
export function runRails(run: RailsRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: run.home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
    execFile(run.command, run.args, { cwd: run.cwd, env, timeout: run.timeoutMs, maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
      const lines = `${stdout}\n${stderr}`.split('\n').map((l) => l.trimEnd()).filter(Boolean);
      for (const line of lines.slice(0, 400)) run.onLine(line);
      if (lines.length > 400) run.onLine(`… ${lines.length - 400} more line(s)`);
      if (!error) return resolve();
      const killed = (error as { killed?: boolean }).killed;
      const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-5).join(' / ');
      reject(new Error(killed ? `rails new did not finish within ${Math.round(run.timeoutMs / 1000)} s` : `rails new failed (exit ${(error as { code?: unknown }).code ?? '?'}): ${tail || error.message}`));
    });
  });
}
