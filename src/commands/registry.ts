/** Every command of the grammar. Add a command: write `src/commands/<name>.ts` and list it here. */
import { depsCommand } from './deps.js';
import { findEntitiesCommand } from './find.js';
import { helpCommand } from './help.js';
import { ownerCommand } from './owner.js';
import { teamCommand } from './team.js';
import type { Command } from './types.js';

const commands: Command[] = [];
commands.push(ownerCommand);
commands.push(findEntitiesCommand);
commands.push(depsCommand);
commands.push(teamCommand);
commands.push(helpCommand(() => commands));

export function allCommands(): Command[] {
  return commands;
}

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}
