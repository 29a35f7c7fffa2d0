import cron from 'node-cron';
import { z } from 'zod';
import { bool, optionalString } from './fields.js';

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
});

/** `C123` -> Slack; `teams:19:abc@thread.tacv2` -> Teams. */
export function parseFallbackChannel(value: string | undefined): { platform: string; target: string } | undefined {
  if (!value) return undefined;
  const match = /^(slack|teams):(.+)$/.exec(value);
  return match ? { platform: match[1], target: match[2] } : { platform: 'slack', target: value };
}
