/**
 * The Teams command menus: Teams shows at most 10 commands per list (one list per scope), and the
 * grammar has more, so every command must appear in the menu of at least one scope and no list may
 * pass the limit; `help` (in every list) names all of them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src/commands/registry.js';

const MAX_COMMANDS_PER_LIST = 10;

describe('Teams commandLists', () => {
  it('lists every command in some scope, at most 10 per list, help in each', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../adapters/teams/manifest/manifest.json', import.meta.url), 'utf8')) as { bots: Array<{ scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string }> }> }> };
    const lists = manifest.bots[0]!.commandLists;
    const titles = new Set(lists.flatMap((l) => l.commands.map((c) => c.title)));
    expect([...allCommands().map((c) => c.name)].filter((n) => !titles.has(n))).toEqual([]);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_LIST);
      expect(list.commands.map((c) => c.title)).toContain('help');
    }
    // Each scope the bot has gets exactly one list.
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual([...manifest.bots[0]!.scopes].sort());
  });
});
