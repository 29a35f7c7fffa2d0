/**
 * The Microsoft Teams face of Callsheet: `POST /api/messages` for the Bot Framework, and proactive
 * sends into conversations the bot was added to. botbuilder stays inside this folder.
 */
import Bottleneck from 'bottleneck';
import { CloudAdapter, TurnContext, type Activity, type ConversationParameters, type ConversationReference } from 'botbuilder';
import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../../src/clock.js';
import type { Reply } from '../../src/reply/reply.js';
import type { CommandContext } from '../../src/commands/types.js';
import { ConfigError } from '../../src/config/index.js';
import { allowedTenants, teamsConfigProblems, type TeamsEnv } from '../../src/config/teams.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { recordCall } from './api-calls.js';
import { createAuthentication, refusedChannel, teamsMode, type TeamsAuthConfig } from './auth.js';
import { cardActivity, createTurnHandler, replyActivity, tenantOf, type ActionHandler } from './bot.js';
import type { StoredReference } from './conversations.js';
import type { SearchHit } from './message-extension.js';
import type { CardJson } from './render-card.js';
import type { DialogHandler } from './task-module.js';

export type { ActionHandler, ActionOrigin } from './bot.js';
export type { DialogHandler, DialogResult, DialogTurn } from './task-module.js';
export type { StoredReference } from './conversations.js';
export { findConversation } from './conversations.js';
export type { SearchHit } from './message-extension.js';
export { catalogSearch } from './message-extension.js';

export interface TeamsAdapterDeps {
  config: TeamsAuthConfig & Partial<Pick<TeamsEnv, 'TEAMS_IDENTITY_TTL' | 'TEAMS_ALLOWED_TENANTS'>> & { NODE_ENV: string };
  db: Db;
  logger: Logger;
  clock: Clock;
  staleAfterDays: number;
  runLine: (line: string, ctx: CommandContext) => Promise<Reply>;
  /** BACKSTAGE_URL: Backstage entity pages pasted in the compose box unfurl into owner cards. */
  backstageUrl?: string;
  search: (text: string, limit: number) => Promise<SearchHit[]>;
  /** Button handlers of features (`{ type: 'action', id }` buttons), by id. */
  actions?: Record<string, ActionHandler>;
  /** Dialogs of features, by the action id of the button that opens them. */
  dialogs?: Record<string, DialogHandler>;
}

export interface FeatureHandlers {
  actions?: Record<string, ActionHandler>;
  dialogs?: Record<string, DialogHandler>;
}

export interface ProactiveResult {
  conversationId: string;
  activityId?: string;
}

export interface TeamsAdapter {
  mode: 'authenticated' | 'unauthenticated' | 'off';
  /** Serves POST /api/messages. */
  router: Router;
  /** Posts a reply, card or activity into a stored conversation (digests, task progress). */
  sendProactive(reference: StoredReference, message: Reply | CardJson | Partial<Activity>): Promise<ProactiveResult>;
  /** Replaces a message the bot posted (task progress, a digest someone acted on). */
  updateProactive(reference: StoredReference, activityId: string, message: Reply | CardJson | Partial<Activity>): Promise<void>;
  /** Opens the bot's 1:1 chat with a member (`POST /v3/conversations`); `like` is a stored reference of the same tenant. */
  createPersonalConversation(like: StoredReference, memberId: string, tenantId: string): Promise<StoredReference>;
  /** Adds features' button handlers and dialogs (at start-up, before serving). */
  register(handlers: FeatureHandlers): void;
  stop(): Promise<void>;
}

const MAX_BODY = '256kb';
const DAY_MS = 86_400_000;

/** CloudAdapter with the authenticated entry point public: authentication runs first, on its own. */
class Adapter extends CloudAdapter {
  run(auth: Parameters<CloudAdapter['processActivity']>[0], activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

export function createTeamsAdapter(deps: TeamsAdapterDeps): TeamsAdapter {
  const { config, logger } = deps;
  const problems = teamsConfigProblems({ ...config, TEAMS_IDENTITY_TTL: config.TEAMS_IDENTITY_TTL ?? DAY_MS });
  if (problems.length > 0) throw new ConfigError(problems);
  const mode = teamsMode(config);
  const router = express.Router();

  if (mode === 'off') {
    router.post('/api/messages', (_req, res) => {
      res.status(503).json({ error: 'Microsoft Teams is not configured on this server: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.' });
    });
    const off = async () => Promise.reject(new Error('Microsoft Teams is not configured (MICROSOFT_APP_ID is not set)'));
    return { mode, router, sendProactive: off, updateProactive: off, createPersonalConversation: off, register: () => {}, stop: async () => {} };
  }
  if (mode === 'unauthenticated') {
    logger.warn(
      '!!! Microsoft Teams endpoint accepts UNAUTHENTICATED requests (TEAMS_ALLOW_UNAUTHENTICATED=true, no MICROSOFT_APP_ID). Anyone who can reach /api/messages can talk to the bot. Use this only with the local Bot Framework Emulator. !!!',
    );
  }

  const authentication = createAuthentication(config);
  const tenants = allowedTenants(config);
  if (!tenants) logger.warn('Teams answers users of ANY tenant: set TEAMS_ALLOWED_TENANTS (or MICROSOFT_APP_TENANT_ID) to your tenant ids');
  const ignoredTenants = new Set<string>();
  const adapter = new Adapter(authentication);
  adapter.onTurnError = async (_context, error) => {
    logger.error({ err: error }, 'Teams turn failed');
  };
  const actions: Record<string, ActionHandler> = { ...deps.actions };
  const dialogs: Record<string, DialogHandler> = { ...deps.dialogs };
  const dialogIds = () => new Set(Object.keys(dialogs));
  const logic = createTurnHandler({
    db: deps.db,
    logger,
    clock: deps.clock,
    staleAfterDays: deps.staleAfterDays,
    identityTtlMs: config.TEAMS_IDENTITY_TTL ?? DAY_MS,
    tenants,
    runLine: deps.runLine,
    ...(deps.backstageUrl ? { backstageUrl: deps.backstageUrl } : {}),
    search: deps.search,
    actions,
    dialogs,
  });

  router.post('/api/messages', express.json({ limit: MAX_BODY }), async (req: Request, res: Response) => {
    const activity = req.body as Partial<Activity> | undefined;
    if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof activity.type !== 'string') {
      res.status(400).json({ error: 'expected a Bot Framework activity (a JSON object with a "type")' });
      return;
    }
    if (typeof activity.timestamp === 'string') activity.timestamp = new Date(activity.timestamp);
    const refused = refusedChannel(activity.channelId);
    if (refused) {
      logger.warn({ channelId: refused, activityType: activity.type }, 'Teams request rejected: channel not served (its tokens would be checked against Microsoft hosts, whatever is configured)');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const header = req.headers.authorization ?? '';
    let authenticated;
    try {
      authenticated = await authentication.authenticateRequest(activity as Activity, header);
    } catch (error) {
      // Every failure to prove the sender (no token, bad signature, wrong audience, expired) is a 401
      // and nothing of the activity is acted on.
      logger.warn({ reason: (error as Error).message, activityType: activity.type }, 'Teams request rejected: not authenticated');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const tenant = tenantOf(activity as Activity);
    if (tenants && !tenants.includes(tenant.toLowerCase())) {
      // Another organisation's user (a MultiTenant app can be installed anywhere): no reply, no
      // database write, and one log line per tenant so a flood cannot fill the log.
      if (!ignoredTenants.has(tenant) && ignoredTenants.size < 1000) {
        ignoredTenants.add(tenant);
        logger.warn({ tenant: tenant || '(none)', activityType: activity.type }, 'Teams activity from a tenant not in TEAMS_ALLOWED_TENANTS ignored');
      }
      res.status(200).end();
      return;
    }
    try {
      const invoke = await adapter.run(authenticated, activity as Activity, logic);
      if (invoke) res.status(invoke.status).json(invoke.body ?? {});
      else res.status(200).end();
    } catch (error) {
      logger.error({ err: error, activityType: activity.type }, 'Teams activity failed');
      if (!res.headersSent) res.status(500).json({ error: 'the bot failed to handle this activity' });
    }
  });

  // Teams allows a bot about one message a second per conversation in bursts of a few, and about 50
  // a second across a tenant; digests go out in bulk, so sends are paced below those limits.
  const perConversation = new Bottleneck.Group({ maxConcurrent: 1, minTime: 250 });
  const overall = new Bottleneck({ maxConcurrent: 8, minTime: 25 });

  const inConversation = async (reference: StoredReference, logic: (context: TurnContext) => Promise<void>) => {
    let failure: { error: unknown } | undefined;
    await perConversation.key(reference.conversation.id).schedule(() =>
      overall.schedule(() => adapter.continueConversationAsync(config.MICROSOFT_APP_ID ?? '', reference as Partial<ConversationReference>, caught(logic, (error) => (failure = { error })))),
    );
    if (failure) throw failure.error;
  };

  const sendProactive: TeamsAdapter['sendProactive'] = async (reference, message) => {
    const activity = await toActivity(deps.db, message, reference.conversation.tenantId, dialogIds());
    let activityId: string | undefined;
    await inConversation(reference, async (context) => {
      const response = await recordCall('sendActivity', () => context.sendActivity(activity));
      activityId = response?.id;
    });
    return { conversationId: reference.conversation.id, activityId };
  };

  const updateProactive: TeamsAdapter['updateProactive'] = async (reference, activityId, message) => {
    const activity = await toActivity(deps.db, message, reference.conversation.tenantId, dialogIds());
    await inConversation(reference, async (context) => {
      await recordCall('updateActivity', () => context.updateActivity({ ...activity, id: activityId, conversation: context.activity.conversation }));
    });
  };

  const createPersonalConversation: TeamsAdapter['createPersonalConversation'] = async (like, memberId, tenantId) => {
    const parameters = {
      isGroup: false,
      bot: like.bot,
      members: [{ id: memberId }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as Partial<ConversationParameters> as ConversationParameters;
    let created: StoredReference | undefined;
    await overall.schedule(() =>
      recordCall('createConversation', () =>
        adapter.createConversationAsync(config.MICROSOFT_APP_ID ?? '', like.channelId, like.serviceUrl, BOT_FRAMEWORK_AUDIENCE, parameters, async (context) => {
          const { activityId: _none, ...reference } = TurnContext.getConversationReference(context.activity) as Partial<ConversationReference> as StoredReference;
          created = { ...reference, bot: like.bot, user: { id: memberId }, conversation: { ...reference.conversation, conversationType: 'personal', tenantId } };
        }),
      ),
    );
    if (!created) throw new Error(`the connector did not open a chat with ${memberId}`);
    return created;
  };

  const register: TeamsAdapter['register'] = (handlers) => {
    for (const [kind, into, from] of [['button', actions, handlers.actions], ['dialog', dialogs, handlers.dialogs]] as const) {
      for (const [id, handler] of Object.entries(from ?? {})) {
        if (id in into) throw new Error(`Teams ${kind} handler "${id}" is registered twice`);
        (into as Record<string, unknown>)[id] = handler;
      }
    }
  };

  return {
    mode,
    router,
    sendProactive,
    updateProactive,
    createPersonalConversation,
    register,
    async stop() {
      await Promise.all([overall.stop({ dropWaitingJobs: false }), ...perConversation.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: false }))]);
    },
  };
}

/**
 * A proactive turn's logic whose failure reaches the caller: the adapter would otherwise hand it to
 * `onTurnError`, and a refused or rate-limited send would look like a success without a message id.
 */
function caught(logic: (context: TurnContext) => Promise<void>, onError: (error: unknown) => void): (context: TurnContext) => Promise<void> {
  return async (context) => {
    try {
      await logic(context);
    } catch (error) {
      onError(error);
    }
  };
}

/** The audience of tokens for calls to the Bot Framework connector (public cloud). */
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

async function toActivity(db: Db, message: Reply | CardJson | Partial<Activity>, tenantId?: string, dialogs?: ReadonlySet<string>): Promise<Partial<Activity>> {
  if ('sections' in message) return replyActivity(db, message as Reply, tenantId, dialogs);
  if ((message as CardJson).type === 'AdaptiveCard') {
    const card = message as CardJson;
    return cardActivity(card, typeof card.fallbackText === 'string' ? card.fallbackText : 'Callsheet');
  }
  return message as Partial<Activity>;
}
