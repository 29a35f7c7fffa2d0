/**
 * `callsheet help`, `callsheet help <command>`, `callsheet <command> --help` and `callsheet --version`.
 * Kept apart from main.ts (which runs on import) so the text can be tested against the commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CommandHelp {
  summary: string;
  usage: string;
  /** Each flag with what it does; positional arguments are in `usage`. */
  flags: Array<[flag: string, what: string]>;
}

export const commandHelp: Record<string, CommandHelp> = {
  serve: { summary: 'sync, then serve HTTP (and the shell when no chat is configured)', usage: 'callsheet serve', flags: [] },
  sync: { summary: 'one sync of every source', usage: 'callsheet sync [--strict]', flags: [['--strict', 'exit 1 when any file has a problem']] },
  ask: { summary: 'run one command as CALLSHEET_USER and print the answer', usage: 'callsheet ask "<command>"   e.g. callsheet ask "owner payments-api"', flags: [] },
  config: { summary: 'print every variable the configuration reads (secrets masked), or every problem in it', usage: 'callsheet config', flags: [] },
  nudge: {
    summary: 'staleness digests',
    usage: 'callsheet nudge --dry-run | --now [--slot <iso time>] | --status',
    flags: [
      ['--dry-run', 'print what a run would send, and where, without sending'],
      ['--now', 'run once now (one run per minute of the database clock)'],
      ['--slot <iso time>', 'with --now: name the run, so repeated invocations deliver once'],
      ['--status', 'the latest runs and their deliveries'],
    ],
  },
  audit: {
    summary: 'the audit log as JSON lines',
    usage: 'callsheet audit [--since 7d] [--user <ref>] [--entity <ref>] [--limit 10000]',
    flags: [
      ['--since <duration or ISO time>', 'only entries after this (default 7d)'],
      ['--user <user ref or chat id>', 'only this person'],
      ['--entity <entity or template ref>', 'only this entity or template'],
      ['--limit <n>', 'most entries printed'],
    ],
  },
  create: {
    summary: 'run a template without prompts',
    usage: 'callsheet create <template> --values <values.json> [--dry-run] [--as <user>]',
    flags: [
      ['--values <file>', "a JSON object of the template's parameters (required)"],
      ['--dry-run', 'check the values and show what would be done, without doing it'],
      ['--as <user>', 'run as this catalog User (default CALLSHEET_USER)'],
    ],
  },
  mcp: {
    summary: 'the MCP server for AI agents on stdio (HTTP agents use POST /mcp on serve)',
    usage: 'callsheet mcp',
    flags: [],
  },
  'agents-md': {
    summary: "print an AGENTS.md for one component from the catalog (owner, on-call, dependencies, APIs, docs, problems)",
    usage: 'callsheet agents-md <entity>',
    flags: [],
  },
  validate: {
    summary: 'check catalog files offline (no database)',
    usage: 'callsheet validate <files or folders> [--format text|json|github] [--catalog <folder>]',
    flags: [
      ['--format text|json|github', 'how problems are printed (github: workflow annotations)'],
      ['--catalog <folder>', 'references found in neither the files nor this catalog are warnings (repeatable)'],
    ],
  },
};

export function helpText(): string {
  const lines = [`callsheet ${version()}`, '', 'Usage: callsheet <command> [options]', '       callsheet help <command> | --version', '', 'Commands:'];
  for (const [name, help] of Object.entries(commandHelp)) {
    lines.push(`  ${name.padEnd(10)} ${help.summary}`, `  ${''.padEnd(10)} ${help.usage}`);
    for (const [flag, what] of help.flags) lines.push(`  ${''.padEnd(12)} ${flag.padEnd(34)} ${what}`);
  }
  lines.push('', 'Configuration is read from the environment: `callsheet config` lists every variable.');
  return `${lines.join('\n')}\n`;
}

export function commandHelpText(name: string): string | undefined {
  const help = commandHelp[name];
  if (!help) return undefined;
  const flags = help.flags.map(([flag, what]) => `  ${flag.padEnd(34)} ${what}`);
  return `${help.summary}\n\nUsage: ${help.usage}\n${flags.length ? `\nOptions:\n${flags.join('\n')}\n` : ''}`;
}

/** The version in package.json, found from here in the sources (src/cli) or the build (dist/src/cli). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'callsheet' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
