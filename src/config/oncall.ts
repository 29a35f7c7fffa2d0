/**
 * On-call: PagerDuty and Opsgenie answer "who is on call now", and the Page button raises a PagerDuty
 * incident. Base URLs are configurable so tests point the clients at local fakes, and Opsgenie
 * accounts in the EU use `https://api.eu.opsgenie.com`.
 */
import { z } from 'zod';
import { tryRef } from '../catalog/refs.js';
import { duration, list, optionalString } from './fields.js';

const baseUrl = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v === undefined || v.trim() === '' ? fallback : v.trim();
      try {
        const parsed = new URL(value);
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
        return parsed.toString().replace(/\/$/, '');
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected an http(s) URL, got "${value}"` });
        return z.NEVER;
      }
    });

const groupList = list('').superRefine((groups, ctx) => {
  for (const g of groups) {
    const ref = tryRef(g, { defaultKind: 'Group' });
    if (!ref || !ref.startsWith('group:')) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${g}" is not a Group ref (expected sre or group:default/sre)` });
  }
});

export const oncallEnv = z.object({
  /** PagerDuty REST API token (read access to services and on-calls). Unset: no live PagerDuty answers. */
  PAGERDUTY_TOKEN: optionalString,
  PAGERDUTY_API_URL: baseUrl('https://api.pagerduty.com'),
  /** Events API v2 host; incidents are raised with `POST <this>/v2/enqueue`. */
  PAGERDUTY_EVENTS_URL: baseUrl('https://events.pagerduty.com'),
  /** Opsgenie API key (`GenieKey`). Unset: no live Opsgenie answers. */
  OPSGENIE_API_KEY: optionalString,
  /** `https://api.opsgenie.com` (US) or `https://api.eu.opsgenie.com` (EU). */
  OPSGENIE_API_URL: baseUrl('https://api.opsgenie.com'),
  /** Groups whose members may press Page (comma-separated refs); none: nobody may page from chat. */
  PAGE_ALLOWED_GROUPS: groupList,
  /** How long an on-call answer is reused; schedules hand over on the hour, so keep it short. */
  ONCALL_CACHE_TTL: duration('60s'),
});

export type OnCallEnv = z.output<typeof oncallEnv>;
