/** Who is watching, for `watch`, `unwatch` and `watching`: the catalog User when known, else the chat user. */
import { errorReply, type Reply } from '../reply/reply.js';
import type { Requester } from './types.js';

export interface Watcher {
  watcher: string;
  platform: string;
  chatId: string;
}

/** The requester as a watcher, or why they cannot watch (a DM needs a chat user to go to). */
export function watcherOf(requester: Requester): Watcher | Reply {
  if (!requester.externalId) return errorReply('watch sends direct messages, so it needs a chat user: use it from Slack or Teams.');
  return { watcher: requester.userRef ?? `${requester.platform}:${requester.externalId}`, platform: requester.platform, chatId: requester.externalId };
}
