/**
 * `callsheet --version` and `callsheet help`: every sub-command with every flag its file parses, so
 * the help cannot fall behind a command that gains a flag.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandHelp, commandHelpText, helpText, version } from '../../src/cli/help.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/callsheet.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Where each command's arguments are parsed. `--values-inline` is internal: how `create` forwards a file's text to the server. */
const sources: Record<string, string[]> = {
  serve: ['serve.ts'], sync: ['sync.ts'], ask: ['ask.ts'], config: ['config.ts'], nudge: ['nudge.ts'],
  audit: ['audit.ts'], create: ['create.ts'], validate: ['validate.ts'],
};
const internal = new Set(['--values-inline']);

function flagsParsedBy(files: string[]): string[] {
  const flags = new Set<string>();
  for (const file of files) {
    const text = readFileSync(new URL(`../../src/cli/${file}`, import.meta.url), 'utf8');
    for (const m of text.matchAll(/'(--[a-z][a-z-]*)'/g)) flags.add(m[1]!);
    for (const m of text.matchAll(/options: \{([^\n]*)\} \}\)/g)) for (const o of m[1]!.matchAll(/'?([a-z][a-z-]*)'?: \{ type:/g)) flags.add(`--${o[1]}`);
  }
  return [...flags].filter((f) => !internal.has(f) && f !== '--help');
}

function run(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 120_000 }, (error, stdout) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }));
  });
}

describe('callsheet help and --version', () => {
  it('names every sub-command main.ts knows, with every flag its file parses', () => {
    const main = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
    const registered = [...main.slice(main.indexOf('const subCommands')).matchAll(/^ {2}'?([a-z][a-z-]*)'?: async/gm)].map((m) => m[1]!);
    expect(registered.sort()).toEqual(Object.keys(commandHelp).sort());
    const text = helpText();
    for (const [name, files] of Object.entries(sources)) {
      expect(text).toMatch(new RegExp(`^  ${name} `, 'm'));
      for (const flag of flagsParsedBy(files)) {
        expect(commandHelp[name]!.flags.some(([f]) => f.split(' ')[0] === flag), `${name} ${flag}`).toBe(true);
        expect(commandHelpText(name)).toContain(flag);
      }
    }
  });

  it('the version is package.json\'s', () => {
    expect(version()).toBe(pkg.version);
  });

  it('the installed command answers --version, help and <command> --help', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n` });
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--slot <iso time>');
    const create = await run(['create', '--help']);
    expect(create.code).toBe(0);
    expect(create.stdout).toContain('--values <file>');
  }, 180_000);
});
