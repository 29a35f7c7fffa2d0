/**
 * A real in-process DigestSender that "posts" into a shared record, standing in for a chat platform.
 * Several senders (replicas) may share one platform record. Hooks let a test freeze a send before
 * or after the post (a replica that dies there), and the platform can enforce one message per
 * interval per channel, answering 429 like Slack.
 */
import type { Reply } from '../../src/reply/reply.js';
import { RateLimitedError, type DigestSender, type Route, type SendMeta, type SentMessage } from '../../src/nudges/ports.js';

export interface Post {
  route: Route;
  channel: string;
  ts: string;
  key: string;
  teamRef: string;
  reply: Reply;
  at: number;
}

export class RecordingPlatform {
  posts: Post[] = [];
  rateLimited = 0;
  private lastPost = new Map<string, number>();
  constructor(private readonly options: { now?: () => number; perChannelMs?: number; retryAfterMs?: number } = {}) {}

  post(route: Route, reply: Reply, meta: SendMeta): SentMessage {
    const now = this.options.now?.() ?? Date.now();
    const interval = this.options.perChannelMs;
    const last = this.lastPost.get(route.target);
    if (interval !== undefined && last !== undefined && now - last < interval) {
      this.rateLimited++;
      throw new RateLimitedError(this.options.retryAfterMs ?? interval - (now - last));
    }
    this.lastPost.set(route.target, now);
    const ts = `${this.posts.length + 1}.000100`;
    this.posts.push({ route, channel: route.target, ts, key: meta.key, teamRef: meta.teamRef, reply, at: now });
    return { channel: route.target, ts };
  }

  byTeam(): Map<string, Post[]> {
    const out = new Map<string, Post[]>();
    for (const p of this.posts) out.set(p.teamRef, [...(out.get(p.teamRef) ?? []), p]);
    return out;
  }
}

export interface SenderHooks {
  /** Runs before the n-th post (1-based); a never-settling promise freezes the send there. */
  beforePost?: (n: number, meta: SendMeta) => Promise<void> | void;
  afterPost?: (n: number, meta: SendMeta) => Promise<void> | void;
  /** Throws this before the n-th post the first time (e.g. a RateLimitedError). */
  failOnce?: { n: number; error: Error };
  /** Whether the sender can look up what it posted (`findSent`). */
  canFind?: boolean;
}

export function recordingSender(platform: RecordingPlatform, hooks: SenderHooks = {}, name = 'slack'): DigestSender & { calls: number } {
  let failed = false;
  const sender: DigestSender & { calls: number } = {
    platform: name,
    calls: 0,
    async send(route, reply, meta) {
      const n = ++sender.calls;
      if (hooks.failOnce && hooks.failOnce.n === n && !failed) {
        failed = true;
        throw hooks.failOnce.error;
      }
      await hooks.beforePost?.(n, meta);
      const message = platform.post(route, reply, meta);
      await hooks.afterPost?.(n, meta);
      return { messages: [message] };
    },
  };
  if (hooks.canFind !== false) {
    sender.findSent = async (route, key) => platform.posts.filter((p) => p.key === key && p.channel === route.target).map((p) => ({ channel: p.channel, ts: p.ts }));
  }
  return sender;
}
