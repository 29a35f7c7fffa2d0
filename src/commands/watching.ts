/** `watching`: what the requester watches. */
import { asc, eq } from 'drizzle-orm';
import { watches } from '../db/schema.js';
import type { Command } from './types.js';
import { watcherOf } from './watcher.js';

export const watchingCommand: Command = {
  name: 'watching',
  summary: 'List the entities and teams you watch',
  usage: 'watching',
  example: 'watching',
  async run(_args, ctx) {
    const who = watcherOf(ctx.requester);
    if (!('watcher' in who)) return who;
    const rows = await ctx.db.select({ ref: watches.targetRef }).from(watches).where(eq(watches.watcher, who.watcher)).orderBy(asc(watches.targetRef));
    if (rows.length === 0) return { summary: 'You watch nothing yet', sections: [{ text: ['You watch nothing yet. Try ', { type: 'code', text: 'watch <entity|team>' }, '.'] }] };
    return {
      summary: `You watch ${rows.length}`,
      header: `You watch ${rows.length}`,
      sections: [{ list: rows.map((r) => ({ text: [{ type: 'entity' as const, ref: r.ref, text: r.ref }], button: { label: 'Unwatch', action: { type: 'command' as const, command: `unwatch ${r.ref}` } } })) }],
    };
  },
};
