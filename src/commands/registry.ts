/** Every command of the grammar. Add a command: write `src/commands/<name>.ts` and list it here. */
import { auditCommand } from './audit.js';
import { createCommand } from './create.js';
import { depsCommand } from './deps.js';
import { domainCommand } from './domain.js';
import { findEntitiesCommand } from './find.js';
import { helpCommand } from './help.js';
import { oncallCommand } from './oncall.js';
import { ownerCommand } from './owner.js';
import { pageCommand } from './page.js';
import { scoreCommand } from './score.js';
import { staleCommand } from './stale.js';
import { systemCommand } from './system.js';
import { teamCommand } from './team.js';
import type { Command } from './types.js';
import { unwatchCommand } from './unwatch.js';
import { watchCommand } from './watch.js';
import { watchingCommand } from './watching.js';

// The order is the order `help` lists them in.
const commands: Command[] = [
  ownerCommand,
  oncallCommand,
  pageCommand,
  findEntitiesCommand,
  depsCommand,
  teamCommand,
  systemCommand,
  domainCommand,
  staleCommand,
  scoreCommand,
  watchCommand,
  unwatchCommand,
  watchingCommand,
  createCommand,
  auditCommand,
];
commands.push(helpCommand(() => commands));

export function allCommands(): Command[] {
  return commands;
}

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}
