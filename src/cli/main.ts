/**
 * `callsheet <sub-command>`: each sub-command lives in its own file and is loaded only when used,
 * so `callsheet validate` in a catalog repository's CI does not start a server or open a database.
 */
import { guardStdout, processIo, type SubCommand } from './io.js';

/** Commands that open the database go to the running server when it owns an embedded one. */
const forward = async (name: string, command: SubCommand) => (await import('./local-forward.js')).forwardWhenHeld(name, command);

const subCommands: Record<string, { summary: string; load: () => Promise<SubCommand> }> = {
  serve: { summary: 'sync, then serve HTTP (and the shell when no chat is configured)', load: async () => (await import('./serve.js')).serveCli },
  sync: { summary: 'one sync of every source [--strict]', load: async () => forward('sync', (await import('./sync.js')).syncCli) },
  ask: { summary: 'run one command, e.g. callsheet ask "owner payments-api"', load: async () => forward('ask', (await import('./ask.js')).askCli) },
  config: { summary: 'print the effective configuration (secrets masked) or every problem in it', load: async () => (await import('./config.js')).configCli },
  nudge: { summary: 'staleness digests: --dry-run prints what a run would send, --now runs one', load: async () => forward('nudge', (await import('./nudge-chat.js')).nudgeCli) },
  audit: { summary: 'the audit log as JSON lines [--since 7d] [--user <ref>] [--entity <ref>]', load: async () => forward('audit', (await import('./audit.js')).auditCli) },
  create: { summary: 'run a template without prompts: create <template> --values values.json [--dry-run] [--as <user>]', load: async () => (await import('./create.js')).createCli },
  mcp: { summary: 'the MCP server for AI agents on stdio (HTTP agents use POST /mcp on serve)', load: async () => (await import('./mcp.js')).mcpCli },
  validate: { summary: 'check catalog files offline: callsheet validate <files or folders>', load: async () => (await import('./validate.js')).validateCli },
};

function usage(): string {
  const lines = Object.entries(subCommands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: callsheet <command> [options]\n\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    processIo.out(usage());
    return name ? 0 : 1;
  }
  const entry = subCommands[name];
  if (!entry) {
    processIo.err(`Unknown command "${name}".\n\n${usage()}`);
    return 1;
  }
  return (await entry.load())(args, processIo);
}

guardStdout();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    processIo.err(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
