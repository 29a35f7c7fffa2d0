/**
 * Slack OAuth distribution: GET /slack/install and /slack/oauth_redirect through @slack/oauth's
 * InstallProvider (signed state, refused when missing or older than 10 minutes), installations in
 * Postgres encrypted (src/slack-installations), and Bolt's `authorize` answering each event with its
 * own workspace's (or Enterprise Grid org's) token, refreshing rotating tokens under a row lock so
 * several replicas refresh a token once.
 */
import { InstallProvider, type Installation, type InstallationQuery } from '@slack/oauth';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import express, { type Router } from 'express';
import type { Logger } from '../../src/logger.js';
import type { InstallationKey, InstallationRow, InstallationStore } from '../../src/slack-installations/store.js';
import { boltLogger } from './bolt-logger.js';

export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

export interface SlackOAuthDeps {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  scopes: string[];
  store: InstallationStore;
  /** A client without a token, pointed at SLACK_API_URL, for oauth.v2.access refreshes. */
  web: WebClient;
  logger: Logger;
  apiUrl?: string;
  /** Refresh a rotating token this long before it expires (default 2 hours, as Slack's SDK does). */
  refreshMarginMs?: number;
  now?: () => number;
}

export interface SlackOAuth {
  router: Router;
  authorize(query: InstallationQuery<boolean>): Promise<{ botToken: string; botUserId?: string; botId?: string; teamId?: string; enterpriseId?: string }>;
  /** app_uninstalled and tokens_revoked delete the workspace's installation. */
  register(app: App): void;
  /** Bot tokens of every installation (refreshed when due), newest install first: for work done outside a request. */
  botTokens(): Promise<string[]>;
}

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

function keyOf(i: AnyInstallation): InstallationKey {
  return { teamId: i.team?.id, enterpriseId: i.enterprise?.id, isEnterpriseInstall: i.isEnterpriseInstall ?? false };
}

function rowOf(i: AnyInstallation): InstallationRow {
  const expiresAt = i.bot?.expiresAt;
  return { key: keyOf(i), botUserId: i.bot?.userId, scopes: i.bot?.scopes ?? [], expiresAt: expiresAt ? new Date(expiresAt * 1000) : undefined, data: i as unknown as Record<string, unknown> };
}

const queryKey = (q: InstallationQuery<boolean>): InstallationKey => ({ teamId: q.teamId, enterpriseId: q.enterpriseId, isEnterpriseInstall: q.isEnterpriseInstall });

export function createSlackOAuth(deps: SlackOAuthDeps): SlackOAuth {
  const now = deps.now ?? Date.now;
  const margin = deps.refreshMarginMs ?? 2 * 60 * 60 * 1000;
  const installer = new InstallProvider({
    clientId: deps.clientId,
    clientSecret: deps.clientSecret,
    stateSecret: deps.stateSecret,
    directInstall: true,
    logger: boltLogger(deps.logger),
    clientOptions: deps.apiUrl ? { slackApiUrl: `${deps.apiUrl.replace(/\/$/, '')}/` } : {},
    installationStore: {
      storeInstallation: async (installation) => {
        await deps.store.save(rowOf(installation as AnyInstallation));
        deps.logger.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, orgWide: installation.isEnterpriseInstall ?? false }, 'Slack app installed');
      },
      fetchInstallation: async (query) => {
        const found = await deps.store.find(queryKey(query));
        if (!found) throw new Error(`no Slack installation for ${query.isEnterpriseInstall ? `enterprise ${query.enterpriseId}` : `team ${query.teamId}`}`);
        return found as unknown as AnyInstallation;
      },
      deleteInstallation: async (query) => {
        await deps.store.delete(queryKey(query));
      },
    },
  });

  const dueForRefresh = (data: Record<string, unknown> | undefined): boolean => {
    const bot = (data as unknown as AnyInstallation | undefined)?.bot;
    return Boolean(bot?.refreshToken && bot.expiresAt && bot.expiresAt * 1000 - margin <= now());
  };

  async function refresh(data: Record<string, unknown>): Promise<InstallationRow | undefined> {
    // Checked again under the lock: another replica may have refreshed while this one waited.
    if (!dueForRefresh(data)) return undefined;
    const installation = data as unknown as AnyInstallation;
    const bot = installation.bot!;
    const answer = (await deps.web.oauth.v2.access({ client_id: deps.clientId, client_secret: deps.clientSecret, grant_type: 'refresh_token', refresh_token: bot.refreshToken! })) as {
      access_token?: string; refresh_token?: string; expires_in?: number;
    };
    if (!answer.access_token || !answer.refresh_token || !answer.expires_in) throw new Error('Slack oauth.v2.access refresh: answer without access_token/refresh_token/expires_in');
    const next: AnyInstallation = { ...installation, bot: { ...bot, token: answer.access_token, refreshToken: answer.refresh_token, expiresAt: Math.floor(now() / 1000) + answer.expires_in } };
    deps.logger.info({ team: installation.team?.id, enterprise: installation.enterprise?.id }, 'Slack bot token refreshed');
    return rowOf(next);
  }

  /** A plain read on every event; the row lock is taken only when a rotating token is near expiry. */
  async function current(key: InstallationKey): Promise<Record<string, unknown> | undefined> {
    const found = await deps.store.find(key);
    return dueForRefresh(found) ? deps.store.refreshLocked(key, refresh) : found;
  }

  const router = express.Router();
  router.get(SLACK_INSTALL_PATH, (req, res) => {
    installer.handleInstallPath(req, res, {}, { scopes: deps.scopes }).catch((error: Error) => {
      deps.logger.error({ err: error.message }, 'Slack install link failed');
      if (!res.headersSent) res.status(500).send('Could not start the Slack installation');
    });
  });
  router.get(SLACK_REDIRECT_PATH, (req, res) => {
    installer.handleCallback(req, res, {
      failure: (error, _options, _req, response) => {
        deps.logger.warn({ err: error.message, code: (error as { code?: string }).code }, 'Slack installation refused');
        response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Slack installation refused: ${error.message}`);
      },
    }).catch((error: Error) => {
      deps.logger.error({ err: error.message }, 'Slack installation failed');
      if (!res.headersSent) res.status(500).send('Slack installation failed');
    });
  });

  return {
    router,
    async authorize(query) {
      const data = await current(queryKey(query));
      const bot = (data as unknown as AnyInstallation | undefined)?.bot;
      if (!data || !bot?.token) throw new Error(`no Slack installation for ${query.isEnterpriseInstall ? `enterprise ${query.enterpriseId}` : `team ${query.teamId}`}`);
      const i = data as unknown as AnyInstallation;
      return { botToken: bot.token, botUserId: bot.userId, botId: bot.id, teamId: i.team?.id ?? query.teamId, enterpriseId: i.enterprise?.id ?? query.enterpriseId };
    },
    async botTokens() {
      const tokens: string[] = [];
      for (const data of await deps.store.list()) {
        const fresh = dueForRefresh(data) ? await current(keyOf(data as unknown as AnyInstallation)) : data;
        const token = (fresh as unknown as AnyInstallation | undefined)?.bot?.token;
        if (token) tokens.push(token);
      }
      return tokens;
    },
    register(app) {
      const forget = async (context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }, why: string) => {
        const gone = await deps.store.delete({ teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall });
        deps.logger.info({ team: context.teamId, enterprise: context.enterpriseId, deleted: gone }, `Slack installation deleted (${why})`);
      };
      app.event('app_uninstalled', async ({ context }) => forget(context, 'app_uninstalled'));
      app.event('tokens_revoked', async ({ event, context }) => {
        // Only the bot token matters here: a revoked user token leaves the bot installed.
        if ((event.tokens.bot ?? []).length > 0) await forget(context, 'tokens_revoked');
      });
    },
  };
}
