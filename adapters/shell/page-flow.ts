/**
 * `page <entity>` in the shell: the same confirmation the chat buttons show, answered by typing
 * PAGE (anything else cancels), then the core page with the shell user (CALLSHEET_USER).
 */
import type { PageHandler } from '../../src/commands/page.js';
import { PAGE_ACTION } from '../../src/commands/page.js';
import type { Requester } from '../../src/commands/types.js';
import type { Button, Reply } from '../../src/reply/reply.js';
import { renderReplyText } from './render-text.js';
import type { ShellIo } from './shell.js';

export interface ShellPageDeps {
  /** Runs `page <entity>` through the grammar (the confirmation, or why it cannot be paged). */
  run: (line: string) => Promise<Reply>;
  page: PageHandler;
}

const pageButtonOf = (reply: Reply): Button | undefined => reply.buttons?.find((b) => b.action.type === 'action' && b.action.id === PAGE_ACTION);

export async function pageInShell(deps: ShellPageDeps, args: string, requester: Requester, io: ShellIo): Promise<Reply> {
  const asked = await deps.run(`page ${args}`);
  const button = pageButtonOf(asked);
  if (!button || button.action.type !== 'action') return asked;
  io.say(renderReplyText({ ...asked, buttons: [] }).trimEnd());
  const answer = await io.ask(`${button.confirm?.title ?? 'Page on-call?'} Type PAGE to page, anything else cancels: `);
  if (answer.trim() !== 'PAGE') return { summary: 'Not paged.', sections: [{ text: ['Not paged: cancelled. Nobody was woken up.'] }] };
  return deps.page(button.action.value, requester);
}
