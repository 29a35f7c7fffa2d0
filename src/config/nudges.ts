import cron from 'node-cron';
import { z } from 'zod';
import { bool, duration, optionalString } from './fields.js';

export const nudgesEnv = z.object({
  NUDGE_ENABLED: bool(true),
  /** When runs start (cron, five or six fields), in NUDGE_TIMEZONE. */
  NUDGE_SCHEDULE: z
    .string()
    .default('0 9 * * 1')
    .refine((v) => cron.validate(v), (v) => ({ message: `expected a cron expression such as "0 9 * * 1", got "${v}"` })),
  NUDGE_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(
      (v) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: v });
          return true;
        } catch {
          return false;
        }
      },
      (v) => ({ message: `expected an IANA time zone such as Europe/Berlin, got "${v}"` }),
    ),
  /** Where digests of teams without a channel or reachable members go: `C123` (Slack) or `teams:<conversation id>`. */
  NUDGE_FALLBACK_CHANNEL: optionalString,
  /** How often the replica holding a run says it is alive. */
  NUDGE_HEARTBEAT: duration('2s'),
  /** A run (or delivery) whose holder has been silent this long is taken over by another replica. */
  NUDGE_CLAIM_TIMEOUT: duration('8s'),
  /** How often every replica looks for runs to take over. */
  NUDGE_RESUME_POLL: duration('2s'),
  /** Attempts per delivery on transient platform errors (5xx, timeouts), the first included. */
  NUDGE_RETRY_ATTEMPTS: z.coerce.number({ invalid_type_error: 'expected a whole number' }).int().min(1, 'expected at least 1').max(50, 'expected at most 50').default(6),
  /** Delay before a delivery's second attempt; doubled for each further one. */
  NUDGE_RETRY_BACKOFF: duration('5s'),
});

/** Claims must outlive a few missed heartbeats, or a healthy holder would lose its run. */
export function nudgeConfigProblems(config: { NUDGE_HEARTBEAT: number; NUDGE_CLAIM_TIMEOUT: number }): string[] {
  return config.NUDGE_CLAIM_TIMEOUT >= 2 * config.NUDGE_HEARTBEAT
    ? []
    : [`NUDGE_CLAIM_TIMEOUT: must be at least twice NUDGE_HEARTBEAT (${config.NUDGE_HEARTBEAT} ms), got ${config.NUDGE_CLAIM_TIMEOUT} ms`];
}

/** `C123` -> Slack; `teams:19:abc@thread.tacv2` -> Teams. */
export function parseFallbackChannel(value: string | undefined): { platform: string; target: string } | undefined {
  if (!value) return undefined;
  const match = /^(slack|teams):(.+)$/.exec(value);
  return match ? { platform: match[1], target: match[2] } : { platform: 'slack', target: value };
}
