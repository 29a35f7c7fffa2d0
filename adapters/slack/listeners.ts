/**
 * What Callsheet does with each kind of Slack input: slash commands, button clicks (run a command,
 * share, feature actions), App Home, and the once-only guard for retried events.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import pLimit from 'p-limit';
import { loadHome } from '../../src/catalog/home.js';
import { outcomeOf, type Reply } from '../../src/reply/reply.js';
import type { CommandContext } from '../../src/commands/types.js';
import { inboundDeliveries } from '../../src/db/schema.js';
import { metrics } from '../../src/metrics.js';
import { answerLine, apology, type Answer, type AnswerDeps, type SlackUser } from './answer.js';
import { recordAudit } from './audit.js';
import { answerModal, homeReply, homeView } from './home-view.js';
import { resolveMentions, resolveRequester } from './identities.js';
import { ACTION, LIMITS, renderReply, replyBlocks, type SlackMessage } from './render-reply.js';
import type { ResponseUrlPoster } from './response-url.js';

/** Where a feature button was clicked: what a handler needs to open a modal or update the message. */
export interface SlackInteraction {
  user: SlackUser;
  /** Valid for 3 seconds after the click: open a modal with it before anything slow. */
  triggerId?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
  isEphemeral: boolean;
}

/**
 * A feature's handler for its own buttons (`{ type: 'action', id }` in a Reply). A returned Reply
 * replaces the clicked message; handlers that update messages themselves return undefined.
 */
export type FeatureAction = (value: Record<string, string>, ctx: CommandContext, interaction: SlackInteraction) => Promise<Reply | undefined>;

/** A feature with listeners of its own (modals, options loads, slash command lines it answers itself). */
export interface SlackExtension {
  /** Command lines the extension answers; the generic slash-command listener leaves them alone. */
  claimsLine?(line: string): boolean;
  register(app: App): void;
}

export interface ListenerDeps extends AnswerDeps {
  web: WebClient;
  respond: ResponseUrlPoster;
  /** How long a slash command may take to answer inline before it is answered through response_url. */
  ackBudgetMs: number;
  /** How many slash commands may wait for an inline answer at once; the rest are acknowledged at once. */
  inlineWaitLimit: number;
  /** How many slash commands are answered at once; more wait their turn (and are acknowledged at once). */
  answerConcurrency: number;
  /** After a burst, commands are acknowledged at once (not answered inline) for this long. */
  burstHoldMs: number;
  actions: Record<string, FeatureAction>;
  extensions: SlackExtension[];
}

/** `/owner x` is `owner x`; `/catalog x` (or any other command the app is given) is `x`. */
export function lineFor(command: string, text: string): string {
  const name = command.replace(/^\//, '').toLowerCase();
  return name === 'owner' ? `owner ${text}`.trim() : text.trim();
}

async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(answer: Answer, line: string): SlackMessage {
  const shareable = !answer.failed && !answer.reply.isError;
  return renderReply(answer.reply, { mentions: answer.mentions, shareLine: shareable ? line : undefined });
}

function whoClicked(body: BlockAction): SlackUser {
  return { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name };
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  const { logger } = deps;

  /** Runs a click handler; a failure becomes an ephemeral apology where the user clicked. */
  const safely = async (body: BlockAction, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const reply = apology(deps, error, { action: body.actions?.[0]?.action_id, user: body.user?.id });
      if (body.response_url) {
        await deps.respond(body.response_url, { response_type: 'ephemeral', replace_original: false, ...renderReply(reply) }).catch((e) => logger.error({ err: e }, 'could not deliver the apology'));
      }
    }
  };

  app.use(async ({ body, next }) => {
    const { type, event_id: eventId } = body as { type?: string; event_id?: unknown };
    if (type === 'event_callback' && typeof eventId === 'string') {
      // Events are acknowledged before this runs, so the check never delays Slack's 200.
      const claimed = await deps.db
        .insert(inboundDeliveries)
        .values({ source: 'slack', deliveryId: eventId.slice(0, 200), receivedAt: deps.clock.now() })
        .onConflictDoNothing()
        .returning({ id: inboundDeliveries.deliveryId });
      if (!claimed.length) {
        logger.info({ eventId }, 'Slack event already handled; skipping the retry');
        return;
      }
    }
    await next();
  });

  const waitingInline = new Set<() => void>();
  // Answers run a bounded number at a time. Unbounded, a burst starts every answer at once and their
  // database round trips and rendering crowd the event loop, so new requests wait for their 200
  // behind work that is not theirs; bounded, the rest wait in this queue and acknowledgements stay cheap.
  const answering = pLimit(deps.answerConcurrency);
  // A burst is not over the moment the queue is empty: the server is still catching up, and a
  // command waiting inline then holds Slack's request for up to the whole budget. Acknowledging at
  // once for a while after the last sign of a burst keeps acknowledgements immediate all through it.
  let burstSeenAt = Number.NEGATIVE_INFINITY;
  app.command(/.*/, async ({ command, ack }) => {
    const line = lineFor(command.command, command.text ?? '');
    if (deps.extensions.some((e) => e.claimsLine?.(line))) return;
    const who = { userId: command.user_id, teamId: command.team_id, name: command.user_name };
    // A queue, or a full set of inline waiters, means a burst: this one is acknowledged at once, and
    // so are the ones already waiting; all of them are answered through response_url.
    const now = deps.clock.now().getTime();
    if (answering.pendingCount > 0 || answering.activeCount >= deps.answerConcurrency || waitingInline.size >= deps.inlineWaitLimit) burstSeenAt = now;
    const burst = now - burstSeenAt < deps.burstHoldMs;
    metrics.answersQueued.inc({ platform: 'slack' });
    const work = answering(() => {
      metrics.answersQueued.dec({ platform: 'slack' });
      return answerLine(deps, line, who, { action: 'command', channel: command.channel_id });
    })
      .then((answer) => messageOf(answer, line))
      .catch((error) => renderReply(apology(deps, error, { command: command.command, user: who.userId })));
    let inline: SlackMessage | undefined;
    if (!burst) {
      let release!: () => void;
      const released = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
      waitingInline.add(release);
      try {
        inline = await within(Promise.race([work, released]), deps.ackBudgetMs);
      } finally {
        waitingInline.delete(release);
      }
    } else {
      for (const release of waitingInline) release();
    }
    if (inline) {
      await ack({ response_type: 'ephemeral', ...inline } as never);
      return;
    }
    await ack();
    const message = await work;
    await deps.respond(command.response_url, { response_type: 'ephemeral', ...message }).catch((error) => {
      logger.error({ err: error, command: command.command }, 'could not deliver a slow answer through response_url');
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTION.share, async ({ ack, body, action }) => {
    await ack();
    await safely(body, async () => {
      const line = action.value ?? '';
      const who = whoClicked(body);
      const answer = await answerLine(deps, line, who, { action: 'share', channel: body.channel?.id });
      if (!body.response_url) return;
      if (answer.failed) {
        await deps.respond(body.response_url, { response_type: 'ephemeral', replace_original: false, ...renderReply(answer.reply) });
        return;
      }
      await deps.respond(body.response_url, { response_type: 'in_channel', replace_original: false, ...renderReply(answer.reply, { mentions: answer.mentions }) });
    });
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTION.run.replace('.', '\\.')}:`), async ({ ack, body, action }) => {
    await ack();
    await safely(body, async () => {
      const line = action.value ?? '';
      const who = whoClicked(body);
      const answer = await answerLine(deps, line, who, { action: 'run', channel: body.channel?.id });
      const view = body.view;
      if (view) {
        const modal = answerModal(replyBlocks(answer.reply, { mentions: answer.mentions, maxBlocks: LIMITS.viewBlocks }));
        if (view.type === 'home') await deps.web.views.open({ trigger_id: body.trigger_id, view: modal });
        else await deps.web.views.update({ view_id: view.id, hash: view.hash, view: modal });
      } else if (body.response_url) {
        // A click in a private answer replaces it; in a shared message it answers privately instead.
        const ephemeral = (body.container as { is_ephemeral?: boolean }).is_ephemeral === true;
        await deps.respond(body.response_url, { response_type: 'ephemeral', replace_original: ephemeral, ...messageOf(answer, line) });
      }
    });
  });

  // Link buttons open in the browser; Slack still sends the click and wants a 200.
  app.action(new RegExp(`^${ACTION.link.replace('.', '\\.')}:`), async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTION.feature.replace('.', '\\.')}:`), async ({ ack, body, action }) => {
    await ack();
    await safely(body, async () => {
      const id = action.action_id.split(':')[1] ?? '';
      const handler = Object.hasOwn(deps.actions, id) ? deps.actions[id] : undefined;
      if (!handler) {
        logger.warn({ id }, 'a button was clicked that no feature handles');
        return;
      }
      const parsed: unknown = JSON.parse(action.value ?? '{}');
      const value = Object.fromEntries(Object.entries(parsed && typeof parsed === 'object' ? parsed : {}).map(([k, v]) => [k, String(v)]));
      const who = whoClicked(body);
      const requester = await resolveRequester(deps, who);
      const container = body.container as { message_ts?: string; channel_id?: string; is_ephemeral?: boolean } | undefined;
      const interaction: SlackInteraction = {
        user: who,
        triggerId: body.trigger_id,
        channelId: body.channel?.id ?? container?.channel_id,
        messageTs: body.message?.ts ?? container?.message_ts,
        responseUrl: body.response_url,
        isEphemeral: container?.is_ephemeral === true,
      };
      let reply: Reply | undefined;
      try {
        reply = await handler(value, { db: deps.db, clock: deps.clock, logger, requester, staleAfterDays: deps.staleAfterDays }, interaction);
      } catch (error) {
        await recordAudit(deps.db, logger, { actor: who.userId, actorRef: requester.userRef, action: id, target: value.ref ?? value.entity ?? value.entityRef ?? value.template, channel: interaction.channelId, outcome: 'failed', details: value, at: deps.clock.now() });
        throw error;
      }
      await recordAudit(deps.db, logger, {
        actor: who.userId,
        actorRef: requester.userRef,
        action: id,
        target: value.ref ?? value.entity ?? value.entityRef ?? value.template,
        channel: interaction.channelId,
        outcome: reply ? outcomeOf(reply) : 'ok',
        details: value,
        at: deps.clock.now(),
      });
      if (reply && body.response_url) {
        const mentions = await resolveMentions(deps, reply);
        await deps.respond(body.response_url, { replace_original: true, ...renderReply(reply, { mentions }) });
      }
    });
  });

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab && event.tab !== 'home') return;
    try {
      const requester = await resolveRequester(deps, { userId: event.user, teamId: (body as { team_id?: string }).team_id });
      const data = await loadHome(deps.db, requester.userRef);
      await deps.web.views.publish({ user_id: event.user, view: homeView(homeReply(data, requester.displayName)) });
    } catch (error) {
      apology(deps, error, { event: 'app_home_opened', user: event.user });
    }
  });
}
