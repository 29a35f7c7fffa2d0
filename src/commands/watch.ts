/** `watch <entity|team>`: a DM when the entity's owner, lifecycle or system changes, it gets a problem, or it is deleted. */
import { resolveEntity } from '../catalog/queries-resolve.js';
import { watches } from '../db/schema.js';
import { usageReply } from './args.js';
import { unresolvedReply } from './catalog-spans.js';
import type { Command } from './types.js';
import { watcherOf } from './watcher.js';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Get a direct message when an entity or team changes owner, lifecycle or system, breaks, or is deleted',
  usage: 'watch <entity|team>',
  example: 'watch payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(watchCommand);
    const who = watcherOf(ctx.requester);
    if (!('watcher' in who)) return who;
    const resolution = await resolveEntity(ctx.db, text);
    if (resolution.status !== 'found') return unresolvedReply('watch', text, resolution);
    const ref = resolution.entity.ref;
    await ctx.db.insert(watches).values({ ...who, targetRef: ref }).onConflictDoUpdate({ target: [watches.watcher, watches.targetRef], set: { platform: who.platform, chatId: who.chatId } });
    return { summary: `Watching ${ref}`, header: `Watching ${ref}`, sections: [{ text: ['You will get a direct message when it changes owner, lifecycle or system, gets a catalog problem, or is deleted. ', { type: 'code', text: `unwatch ${ref}` }, ' stops it.'] }] };
  },
};
