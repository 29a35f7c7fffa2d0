/**
 * Slack adapter settings. Two modes:
 * - one workspace: the bot token and the signing secret;
 * - distribution (OAuth, several workspaces or an Enterprise Grid org): the app's client id, client
 *   secret, a state secret and the signing secret, with installations stored encrypted under
 *   ENCRYPTION_KEY. A bot token may be set as well; it then answers work done outside any request.
 */
import { z } from 'zod';
import { parseKey } from '../secrets/encryption.js';
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
  /** OAuth distribution: the app's credentials (Basic Information page) and the secret that signs the install state. */
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  /** 32 bytes (base64 or hex) sealing stored installations; the previous key still opens old rows after a rotation. */
  ENCRYPTION_KEY: optionalString,
  ENCRYPTION_KEY_PREVIOUS: optionalString,
});

export type SlackEnv = z.output<typeof slackEnv>;

export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  encryptionKey: string;
  encryptionKeyPrevious?: string;
}

export interface SlackSettings {
  SLACK_SIGNING_SECRET: string;
  /** Absent only in distribution mode, where each workspace's own token answers. */
  SLACK_BOT_TOKEN?: string;
  SLACK_APP_TOKEN?: string;
  SLACK_API_URL?: string;
  oauth?: SlackOAuthSettings;
}

const OAUTH_VARS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'ENCRYPTION_KEY'] as const;

function oauthSettings(env: SlackEnv): SlackOAuthSettings | undefined {
  const set = OAUTH_VARS.filter((name) => env[name]);
  if (set.length === 0 || (set.length === 1 && set[0] === 'ENCRYPTION_KEY')) return undefined;
  const missing = OAUTH_VARS.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Slack OAuth is half configured: ${missing.join(', ')} not set (installing the app in several workspaces needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and ENCRYPTION_KEY)`);
  parseKey(env.ENCRYPTION_KEY!, 'ENCRYPTION_KEY');
  if (env.ENCRYPTION_KEY_PREVIOUS) parseKey(env.ENCRYPTION_KEY_PREVIOUS, 'ENCRYPTION_KEY_PREVIOUS');
  return { clientId: env.SLACK_CLIENT_ID!, clientSecret: env.SLACK_CLIENT_SECRET!, stateSecret: env.SLACK_STATE_SECRET!, encryptionKey: env.ENCRYPTION_KEY!, encryptionKeyPrevious: env.ENCRYPTION_KEY_PREVIOUS };
}

/**
 * The adapter's settings, or undefined when Slack is not configured. Half a configuration is a
 * mistake worth stopping for, not a reason to quietly run without Slack.
 */
export function slackSettings(env: SlackEnv): SlackSettings | undefined {
  const { SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN } = env;
  const oauth = oauthSettings(env);
  if (!SLACK_SIGNING_SECRET && !SLACK_BOT_TOKEN && !oauth) return undefined;
  if (!SLACK_SIGNING_SECRET || (!SLACK_BOT_TOKEN && !oauth)) {
    const missing = SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET';
    throw new Error(`Slack is half configured: ${missing} is not set (set both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or neither; for several workspaces SLACK_SIGNING_SECRET with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and ENCRYPTION_KEY)`);
  }
  return { SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_APP_TOKEN: env.SLACK_APP_TOKEN, SLACK_API_URL: env.SLACK_API_URL, ...(oauth ? { oauth } : {}) };
}

/** Start-up check: the same rule as `slackSettings`, reported with every other problem. */
export function slackConfigProblems(env: SlackEnv): string[] {
  try {
    slackSettings(env);
    return [];
  } catch (e) {
    const message = (e as Error).message;
    // Key errors already start with the key's name; the others name the variable a person must set.
    const named = /^(ENCRYPTION_KEY_PREVIOUS|ENCRYPTION_KEY):/.exec(message)?.[1];
    const name = named ?? (message.startsWith('Slack OAuth') ? 'SLACK_CLIENT_ID' : env.SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET');
    return [message.startsWith(`${name}:`) ? message : `${name}: ${message}`];
  }
}
