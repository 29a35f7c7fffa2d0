/**
 * Which database errors are worth a retry, and a small retry loop with backoff for them.
 * A failover, a pgbouncer restart or an idle-connection killer ends connections; the next attempt
 * gets a fresh one from the pool, so the work should be retried rather than dropped.
 */

/** SQLSTATEs that mean "try again": admin shutdown, crash shutdown, cannot connect now,
 * connection exceptions (class 08), serialization failure and deadlock. */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '40001', '40P01', '53300']);
/** Error codes of postgres.js and of Node's sockets for a connection that went away. */
const TRANSIENT_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export function isTransientDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CODES.has(code) || code.startsWith('08')) return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the second attempt; doubles each time, with jitter, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry (for a log line). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Which errors to retry; transient database errors by default. */
  retryable?: (error: unknown) => boolean;
  signal?: AbortSignal;
}

export async function retryTransient<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  const retryable = options.retryable ?? isTransientDbError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !retryable(error) || options.signal?.aborted) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
