/**
 * Paces outgoing messages to the platforms' limits: at most one message per interval per target
 * (Slack: about one per second per channel) and a platform-wide budget, and waits out 429s.
 *
 * Time is injected (`now`, `sleep`) rather than left to a timer library such as bottleneck, so the
 * same code runs in tests and in `bench:nudge` on a simulated clock. Sends through one pacer are
 * sequential, which keeps the bookkeeping exact: a slot is taken when the call starts.
 */
import { RateLimitedError } from './ports.js';

export interface PacerOptions {
  perTargetIntervalMs?: number;
  /** Messages per minute across the platform (workspace). */
  platformPerMinute?: number;
  /** Attempts per message before a rate limit is given up on. */
  maxAttempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRateLimited?: (platform: string, error: RateLimitedError) => void;
  /**
   * Longest wait for one channel before its send is given back as a RateLimitedError (with the time
   * left), so that a 429 on one channel does not hold up the sends queued behind it for others.
   * Workspace-wide limits are always waited out: they would hold up every send anyway.
   */
  maxChannelWaitMs?: number;
}

export interface Pacer {
  send<T>(platform: string, target: string, call: () => Promise<T>): Promise<T>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPacer(options: PacerOptions = {}): Pacer {
  const perTarget = options.perTargetIntervalMs ?? 1000;
  const platformSpacing = 60_000 / (options.platformPerMinute ?? 300);
  const maxAttempts = options.maxAttempts ?? 10;
  const maxChannelWait = options.maxChannelWaitMs ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const targetFree = new Map<string, number>();
  const platformFree = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();

  async function attempt<T>(platform: string, target: string, call: () => Promise<T>): Promise<T> {
    const targetKey = `${platform}\u0000${target}`;
    for (let n = 1; ; n++) {
      const channelWait = (targetFree.get(targetKey) ?? 0) - now();
      if (channelWait > maxChannelWait) throw new RateLimitedError(channelWait, 'channel');
      const due = Math.max(targetFree.get(targetKey) ?? 0, platformFree.get(platform) ?? 0);
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      const at = now();
      targetFree.set(targetKey, at + perTarget);
      platformFree.set(platform, at + platformSpacing);
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof RateLimitedError) || n >= maxAttempts) throw error;
        options.onRateLimited?.(platform, error);
        const until = now() + Math.max(error.retryAfterMs, 0);
        if (error.scope === 'workspace') platformFree.set(platform, Math.max(platformFree.get(platform) ?? 0, until));
        else {
          targetFree.set(targetKey, Math.max(targetFree.get(targetKey) ?? 0, until));
          if (until - now() > maxChannelWait) throw error;
        }
      }
    }
  }

  return {
    send(platform, target, call) {
      const result = queue.then(() => attempt(platform, target, call));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
