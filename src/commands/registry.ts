/** Every command of the grammar. Add a command: write `src/commands/<name>.ts` and list it here. */
import { createCommand } from './create.js';
import { helpCommand } from './help.js';
import { scoreCommand } from './score.js';
import { staleCommand } from './stale.js';
import type { Command } from './types.js';

const commands: Command[] = [];
commands.push(helpCommand(() => commands));
commands.push(createCommand);
commands.push(staleCommand);
commands.push(scoreCommand);

export function allCommands(): Command[] {
  return commands;
}

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}
