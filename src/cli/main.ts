/**
 * `callsheet <sub-command>`: each sub-command lives in its own file and is loaded only when used,
 * so `callsheet validate` in a catalog repository's CI does not start a server or open a database.
 */
import { commandHelpText, helpText, version } from './help.js';
import { guardStdout, processIo, type SubCommand } from './io.js';

/** Commands that open the database go to the running server when it owns an embedded one. */
const forward = async (name: string, command: SubCommand) => (await import('./local-forward.js')).forwardWhenHeld(name, command);

const subCommands: Record<string, () => Promise<SubCommand>> = {
  serve: async () => (await import('./serve.js')).serveCli,
  sync: async () => forward('sync', (await import('./sync.js')).syncCli),
  ask: async () => forward('ask', (await import('./ask.js')).askCli),
  config: async () => (await import('./config.js')).configCli,
  nudge: async () => forward('nudge', (await import('./nudge-chat.js')).nudgeCli),
  audit: async () => forward('audit', (await import('./audit.js')).auditCli),
  create: async () => (await import('./create.js')).createCli,
  mcp: async () => (await import('./mcp.js')).mcpCli,
  'agents-md': async () => forward('agents-md', (await import('./agents-md.js')).agentsMdCli),
  validate: async () => (await import('./validate.js')).validateCli,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    processIo.out(`${version()}\n`);
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && args[0] ? commandHelpText(args[0]) : undefined;
    if (name === 'help' && args[0] && !topic) {
      processIo.err(`Unknown command "${args[0]}".\n\n${helpText()}`);
      return 1;
    }
    processIo.out(topic ?? helpText());
    return name ? 0 : 1;
  }
  const load = subCommands[name];
  if (!load) {
    processIo.err(`Unknown command "${name}".\n\n${helpText()}`);
    return 1;
  }
  // `callsheet <command> --help` answers without opening anything (`ask` takes free text, so only as its sole word).
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    processIo.out(commandHelpText(name) ?? helpText());
    return 0;
  }
  return (await load())(args, processIo);
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
