/**
 * The plan and wire messages shared by the two processes of `npm run bench:slack` (bench/slack.ts):
 * the Slack side (slack-load.ts) and Callsheet's side read the same command-line options.
 */
export const SECRET = 'bench-signing-secret';
export const TOKEN = 'xoxb-bench-token';
export const POOL_SIZE = 10; // DATABASE_POOL_SIZE's default
export const ACK_BUDGET_MS = 2000; // the adapter's default inline budget
/** How long the Slack side waits for answers still owed through response_url after a phase. */
export const DRAIN_MS = 180_000;

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

export const plan = {
  entities: arg('entities', 50_000),
  sequential: arg('sequential', 2000),
  paced: { rate: arg('rate', 200), seconds: arg('seconds', 10), concurrency: arg('concurrency', 50) },
  burst: { rate: arg('ack-rate', 1000), seconds: arg('ack-seconds', 5), concurrency: arg('ack-concurrency', 256) },
  requesters: 100,
};

/** One phase of load as the Slack side saw it. */
export interface ClientPhase {
  name: string;
  requests: number;
  seconds: number;
  failures: number;
  /** Why requests failed, by reason. */
  why: Record<string, number>;
  /** Client-side: scheduled send -> HTTP 200 received (includes waiting for a free connection). */
  ack: number[];
  inline: number;
  viaResponseUrl: number;
  /** Client-side: scheduled send -> answer received (inline, or posted to response_url). */
  answer: number[];
  /** The Slack side's own event-loop delay (ms), p99 and max: when high, its timings include its own stalls. */
  loop: { p99: number; max: number };
}

export type ToServer = { type: 'fake'; apiUrl: string } | { type: 'phase'; name: string; at: 'start' | 'end' } | { type: 'done'; phases: ClientPhase[] } | { type: 'failed'; error: string };
export type ToSlack = { type: 'go'; url: string; components: string[]; warm: string[]; users: Array<{ id: string; email: string }> };
