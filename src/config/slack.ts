/** Slack adapter settings. The adapter is on when both the bot token and the signing secret are set. */
import { z } from 'zod';
import { optionalString, url } from './fields.js';

const prefixed = (prefix: string, what: string) =>
  optionalString.refine((v) => v === undefined || v.startsWith(prefix), { message: `expected ${what} starting with ${prefix}` });

export const slackEnv = z.object({
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: prefixed('xoxb-', 'a bot token'),
  /** App-level token: when set, Slack is reached over Socket Mode instead of the public request URL. */
  SLACK_APP_TOKEN: prefixed('xapp-', 'an app-level token'),
  /** Base of Slack's Web API (default https://slack.com/api); a local fake in tests, or a proxy. */
  SLACK_API_URL: url,
});

export type SlackEnv = z.output<typeof slackEnv>;

export interface SlackSettings {
  SLACK_SIGNING_SECRET: string;
  SLACK_BOT_TOKEN: string;
  SLACK_APP_TOKEN?: string;
  SLACK_API_URL?: string;
}

/**
 * The adapter's settings, or undefined when Slack is not configured. Half a configuration is a
 * mistake worth stopping for, not a reason to quietly run without Slack.
 */
export function slackSettings(env: SlackEnv): SlackSettings | undefined {
  const { SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN } = env;
  if (!SLACK_SIGNING_SECRET && !SLACK_BOT_TOKEN) return undefined;
  if (!SLACK_SIGNING_SECRET || !SLACK_BOT_TOKEN) {
    const missing = SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET';
    throw new Error(`Slack is half configured: ${missing} is not set (set both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or neither)`);
  }
  return { SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_APP_TOKEN: env.SLACK_APP_TOKEN, SLACK_API_URL: env.SLACK_API_URL };
}

/** Start-up check: the same rule as `slackSettings`, reported with every other problem. */
export function slackConfigProblems(env: SlackEnv): string[] {
  try {
    slackSettings(env);
    return [];
  } catch (e) {
    const missing = env.SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET';
    return [`${missing}: ${(e as Error).message}`];
  }
}
