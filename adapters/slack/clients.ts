/**
 * The Web API clients every Slack feature shares, for either mode:
 * - one workspace (SLACK_BOT_TOKEN): clients holding that token;
 * - distribution (SLACK_CLIENT_ID …): the OAuth routes and installation store, and clients whose calls
 *   carry the token of the workspace being answered (see workspace-token.ts).
 * `serve` makes them once and hands the same ones to the features and the adapter.
 */
import { readFileSync } from 'node:fs';
import type { WebClient } from '@slack/web-api';
import { parse } from 'yaml';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { createEncryptor } from '../../src/secrets/encryption.js';
import { createInstallationStore } from '../../src/slack-installations/store.js';
import { createSlackOAuth, type SlackOAuth } from './oauth.js';
import { createWebClient } from './web-client.js';
import { backgroundTokens } from './workspace-token.js';

export interface SlackClientsConfig {
  SLACK_BOT_TOKEN?: string;
  SLACK_API_URL?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string; encryptionKey: string; encryptionKeyPrevious?: string };
}

export interface SlackClients {
  /** Modals, answers, updates: retries 429s and 5xx. */
  web: WebClient;
  /** Digests: 429s come back to the nudge runner, which paces its own sends. */
  poster: WebClient;
  /** Distribution mode only. */
  oauth?: SlackOAuth;
}

/** The bot scopes an install asks for are the manifest's: one list, reviewed in one place. */
export function manifestBotScopes(): string[] {
  const manifest = parse(readFileSync(new URL('./manifest.yaml', import.meta.url), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
  return manifest.oauth_config.scopes.bot;
}

export function slackClients(deps: { config: SlackClientsConfig; db: Db; logger: Logger }): SlackClients {
  const { config, logger } = deps;
  const apiUrl = config.SLACK_API_URL;
  if (!config.oauth) {
    if (!config.SLACK_BOT_TOKEN) throw new Error('Slack: SLACK_BOT_TOKEN is not set');
    return {
      web: createWebClient({ token: config.SLACK_BOT_TOKEN, apiUrl, logger }),
      poster: createWebClient({ token: config.SLACK_BOT_TOKEN, apiUrl, logger, retries: 0, rejectRateLimitedCalls: true }),
    };
  }
  const o = config.oauth;
  const oauth = createSlackOAuth({
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    stateSecret: o.stateSecret,
    scopes: manifestBotScopes(),
    store: createInstallationStore(deps.db, createEncryptor(o.encryptionKey, o.encryptionKeyPrevious)),
    web: createWebClient({ token: '', apiUrl, logger }),
    apiUrl,
    logger,
  });
  const workspaces = { background: backgroundTokens(() => oauth.botTokens()) };
  const token = config.SLACK_BOT_TOKEN ?? '';
  return {
    web: createWebClient({ token, apiUrl, logger, workspaces }),
    poster: createWebClient({ token, apiUrl, logger, retries: 0, rejectRateLimitedCalls: true, workspaces }),
    oauth,
  };
}
