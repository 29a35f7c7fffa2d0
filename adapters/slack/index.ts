/**
 * The Slack adapter: Bolt, hosted on Callsheet's own express server (`router`, serving
 * POST /slack/events) or over Socket Mode when an app-level token is configured.
 */
import { App, SocketModeReceiver, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import express, { type Router } from 'express';
import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { RunLine } from './answer.js';
import { boltLogger } from './bolt-logger.js';
import { identityMemory } from './identities.js';
import { registerConversations } from './conversations.js';
import { registerListeners, type FeatureAction, type SlackExtension } from './listeners.js';
import { createResponseUrlPoster } from './response-url.js';
import { createSlackRouter } from './router.js';
import { registerUnfurls } from './unfurl.js';
import { slackClients, type SlackClients, type SlackClientsConfig } from './clients.js';
import { SLACK_INSTALL_PATH } from './oauth.js';
import { scopeToWorkspace } from './workspace-token.js';

export type { FeatureAction, SlackExtension, SlackInteraction } from './listeners.js';
export { SLACK_EVENTS_PATH } from './router.js';
export { slackClients } from './clients.js';

export interface SlackAdapterDeps {
  config: SlackClientsConfig & { SLACK_SIGNING_SECRET: string; SLACK_APP_TOKEN?: string };
  /** The Web API clients (and, for several workspaces, the OAuth routes); `serve` shares one set with the features. */
  clients?: SlackClients;
  db: Db;
  logger: Logger;
  clock: Clock;
  staleAfterDays: number;
  runLine: RunLine;
  /** BACKSTAGE_URL: Backstage entity pages pasted in Slack unfurl into owner cards. */
  backstageUrl?: string;
  /** Handlers for features' own buttons (`{ type: 'action', id }`), by id. */
  actions?: Record<string, FeatureAction>;
  /** Features with listeners of their own (e.g. `slackFeatures(...).extension`: create modals, nudge fixes). */
  extensions?: SlackExtension[];
  /** A slash command answers inline when ready within this many ms, else via response_url (default 2000). */
  ackBudgetMs?: number;
  /**
   * At most this many slash commands wait for an inline answer at once (default 16). One more is a
   * burst: it and every waiting command are acknowledged at once and answered through response_url.
   */
  inlineWaitLimit?: number;
  /**
   * How many slash commands are answered at once (default 8, below the database pool's 10 so clicks
   * and events still get a connection). Beyond it commands queue and are acknowledged at once.
   */
  answerConcurrency?: number;
  /** After a burst, slash commands are acknowledged at once rather than answered inline for this long (default 2000 ms). */
  burstHoldMs?: number;
}

export interface SlackAdapter {
  router: Router;
  start(): Promise<void>;
  stop(): Promise<void>;
  web: WebClient;
}

/** Bolt wants a receiver; over HTTP the express router delivers to the app itself. */
const routerReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

export function createSlackAdapter(deps: SlackAdapterDeps): SlackAdapter {
  const { config, logger } = deps;
  const slackLogger = boltLogger(logger);
  const clients = deps.clients ?? slackClients({ config, db: deps.db, logger });
  const { web, oauth } = clients;
  const clientOptions = config.SLACK_API_URL ? { slackApiUrl: `${config.SLACK_API_URL.replace(/\/$/, '')}/` } : {};
  const socket = config.SLACK_APP_TOKEN
    ? new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, logger: slackLogger, installerOptions: { clientOptions } })
    : undefined;
  const app = new App({
    receiver: socket ?? routerReceiver,
    // Several workspaces: each event is answered with its own workspace's installation. One workspace,
    // one bot token: no per-event lookup or auth.test round trip before the listener runs.
    authorize: oauth ? (query) => oauth.authorize(query) : async () => ({ botToken: config.SLACK_BOT_TOKEN! }),
    logger: slackLogger,
    clientOptions,
    ignoreSelf: false,
    convoStore: false,
  });
  if (oauth) {
    scopeToWorkspace(app);
    oauth.register(app);
  }
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });
  const answering = { db: deps.db, clock: deps.clock, logger, memory: identityMemory(), web, staleAfterDays: deps.staleAfterDays, runLine: deps.runLine, ...(deps.backstageUrl ? { backstageUrl: deps.backstageUrl } : {}) };
  registerListeners(app, {
    ...answering,
    respond: createResponseUrlPoster({ logger, apiUrl: config.SLACK_API_URL }),
    ackBudgetMs: deps.ackBudgetMs ?? 2000,
    inlineWaitLimit: deps.inlineWaitLimit ?? 16,
    answerConcurrency: deps.answerConcurrency ?? 8,
    burstHoldMs: deps.burstHoldMs ?? 2000,
    actions: deps.actions ?? {},
    extensions: deps.extensions ?? [],
  });
  registerConversations(app, answering);
  registerUnfurls(app, answering);
  for (const extension of deps.extensions ?? []) extension.register(app);
  const events = createSlackRouter({
    signingSecret: config.SLACK_SIGNING_SECRET,
    clock: deps.clock,
    logger,
    dispatch: (delivery) => app.processEvent(delivery as ReceiverEvent),
  });
  const router = oauth ? express.Router().use(oauth.router, events) : events;

  return {
    router,
    web,
    async start() {
      if (oauth) logger.info({ install: SLACK_INSTALL_PATH }, 'Slack app distributed over OAuth: each workspace is answered with its own installation');
      if (!config.SLACK_BOT_TOKEN) {
        if (socket) await socket.start();
        return;
      }
      try {
        const who = await web.auth.test();
        logger.info({ team: who.team, bot: who.user }, 'Slack bot token accepted');
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'Slack did not accept SLACK_BOT_TOKEN; answers cannot be posted until it does');
      }
      if (socket) {
        await socket.start();
        logger.info('Slack connected over Socket Mode');
      }
    },
    async stop() {
      if (socket) await socket.stop();
    },
  };
}
