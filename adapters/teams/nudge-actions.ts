/**
 * The buttons of a digest in Teams: "Still accurate" and "Snooze" act at once and replace the card;
 * "Fix" opens a dialog asking for the missing value (an owner or system picker, a lifecycle, a
 * description, a docs link) and proposes the change as a pull request; "Add AGENTS.md" opens (or
 * updates) a pull or merge request at once, its link shown on the card. Every action is recorded on
 * the delivery, and every posted copy of the digest is updated to show what was done and by whom.
 */
import { and, eq } from 'drizzle-orm';
import { shortRef } from '../../src/catalog/refs.js';
import type { Clock } from '../../src/clock.js';
import { errorReply, type Reply } from '../../src/reply/reply.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import { nudgeDeliveries } from '../../src/db/schema.js';
import type { Logger } from '../../src/logger.js';
import { ActionError, changeRequestNoun, fixFieldOf, markReviewed, proposeFix, recordDigestAction, snooze, type Actor } from '../../src/nudges/actions.js';
import { digestToReply, type Digest, type DoneAction, type FixField } from '../../src/nudges/digest.js';
import type { PullRequestOpener, RootFileProposer } from '../../src/nudges/ports.js';
import { proposeAgentsMd } from '../../src/nudges/agents-md-action.js';
import { isRuleId } from '../../src/nudges/rules/index.js';
import type { StoredMessage } from '../../src/nudges/run.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import type { EntityField } from '../../src/reply/form.js';
import type { ActionHandler, ActionOrigin } from './bot.js';
import { channelReference } from './conversation-targets.js';
import type { TeamsAdapter } from './index.js';
import { CARD_VERSION, type CardJson } from './render-card.js';
import { datasetOf, dialogData, MAX_SEARCH_RESULTS, type Choice, type DialogHandler, type DialogResult, type DialogTurn } from './task-module.js';

export const REVIEW_ACTION = 'nudge.review';
export const SNOOZE_ACTION = 'nudge.snooze';
export const FIX_ACTION = 'nudge.fix';
export const AGENTS_MD_ACTION = 'nudge.agents-md';

export interface NudgeActionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  adapter: Pick<TeamsAdapter, 'updateProactive'>;
  /** Opens pull requests for files on its host; without it a fix answers with the file's edit link. */
  opener?: PullRequestOpener;
  /** Opens "Add AGENTS.md" requests; without it the button is refused with the reason. */
  agentsMd?: RootFileProposer;
}

const FIX_INPUT = 'fixValue';
const STATIC_CHOICES = 25;
const LIFECYCLES = ['production', 'experimental', 'deprecated'];

export function actorOf(requester: Requester): Actor {
  return { name: requester.displayName ?? requester.email ?? requester.externalId ?? 'someone on Teams', platform: 'teams', ...(requester.userRef ? { userRef: requester.userRef } : {}) };
}

function pickerField(field: 'owner' | 'system'): EntityField {
  return { id: field, path: [field], label: field, required: true, type: 'entity', kinds: field === 'owner' ? ['Group', 'User'] : ['System'], filter: [], allowArbitraryValues: false, multiple: false };
}

export function nudgeActions(deps: NudgeActionDeps): { actions: Record<string, ActionHandler>; dialogs: Record<string, DialogHandler> } {
  const { db, clock, logger } = deps;

  async function currentDigest(value: Record<string, string>): Promise<Reply | undefined> {
    const runId = Number(value.run);
    if (!value.run || !Number.isInteger(runId) || !value.team) return undefined;
    const [row] = await db
      .select({ digest: nudgeDeliveries.digest })
      .from(nudgeDeliveries)
      .where(and(eq(nudgeDeliveries.runId, runId), eq(nudgeDeliveries.teamRef, value.team)));
    return row?.digest ? digestToReply(row.digest as unknown as Digest) : undefined;
  }

  /** Replaces every Teams copy of the digest except the one clicked (the bot's turn replaces that one). */
  async function updateCopies(messages: unknown[], reply: Reply, origin?: ActionOrigin): Promise<void> {
    for (const m of messages as StoredMessage[]) {
      if (m.platform !== 'teams' || !m.ts) continue;
      if (origin && m.ts === origin.activityId && origin.conversationId.startsWith(m.channel)) continue;
      try {
        const reference = await channelReference(db, m.channel);
        if (!reference) throw new Error(`conversation ${m.channel} is no longer known`);
        await deps.adapter.updateProactive(reference, m.ts, reply);
      } catch (error) {
        logger.warn({ err: error, conversation: m.channel, activityId: m.ts }, 'could not update a copy of a Teams digest');
      }
    }
  }

  /** Records the action on the digest it came from and updates its copies; undefined without a digest. */
  async function onDigest(value: Record<string, string>, done: DoneAction, origin?: ActionOrigin): Promise<Reply | undefined> {
    const runId = Number(value.run);
    if (!value.run || !Number.isInteger(runId) || !value.team) return undefined;
    const rule = isRuleId(value.rule ?? '') ? (value.rule as Parameters<typeof recordDigestAction>[2]['rule']) : undefined;
    const recorded = await recordDigestAction(db, { runId, teamRef: value.team }, { ...done, entity: value.entity, ...(rule ? { rule } : {}) });
    if (!recorded) return undefined;
    await updateCopies(recorded.messages, recorded.reply, origin);
    return recorded.reply;
  }

  /** Runs a button's action; a refusal keeps the digest on screen with the reason under it. */
  function button(act: (value: Record<string, string>, actor: Actor, staleAfterDays: number) => Promise<{ done: DoneAction; said: string }>): ActionHandler {
    return async (value, ctx, origin) => {
      if (!value.entity) return errorReply('This button is missing the entity it is about. Ask again to get a fresh card.');
      const actor = actorOf(ctx.requester);
      let outcome;
      try {
        outcome = await act(value, actor, ctx.staleAfterDays);
      } catch (error) {
        if (!(error instanceof ActionError)) throw error;
        const digest = await currentDigest(value);
        if (!digest) return errorReply(error.message);
        return { ...digest, context: [...(digest.context ?? []), [`⚠ ${error.message}`]] };
      }
      const reply = await onDigest(value, outcome.done, origin);
      return reply ?? { summary: outcome.said, sections: [{ text: [outcome.said] }] };
    };
  }

  const review = button(async (value, actor) => {
    await markReviewed(db, value.entity, actor, clock);
    return { done: { kind: 'reviewed', by: actor.name }, said: `${shortRef(value.entity)} confirmed accurate by ${actor.name}.` };
  });

  const snoozeButton = button(async (value, actor) => {
    const { until } = await snooze(db, value.entity, value.rule ?? '', Number(value.days), actor, clock);
    const day = until.toISOString().slice(0, 10);
    return { done: { kind: 'snoozed', by: actor.name, detail: day }, said: `${shortRef(value.entity)}: "${value.rule}" snoozed by ${actor.name} until ${day}.` };
  });

  const agentsMd = button(async (value, actor, staleAfterDays) => {
    const outcome = await proposeAgentsMd(db, deps.agentsMd, { entityRef: value.entity, requester: actor, staleAfterDays }, clock);
    const name = shortRef(value.entity);
    if (outcome.kind === 'unchanged') return { done: { kind: 'agents-md-proposed', by: actor.name }, said: `The AGENTS.md of ${name} is already up to date.` };
    return { done: { kind: 'agents-md-proposed', by: actor.name, detail: outcome.url }, said: `${actor.name} proposed the AGENTS.md of ${name} as a ${changeRequestNoun(outcome.kind)}: ${outcome.url}` };
  });

  async function fixCard(target: Record<string, string>, field: FixField, turn: DialogTurn, error?: string, typed?: string): Promise<DialogResult> {
    const name = shortRef(target.entity);
    let input: Record<string, unknown>;
    if (field === 'owner' || field === 'system') {
      const options = await entityOptions(db, { ...pickerField(field), kinds: field === 'owner' ? ['Group'] : ['System'] }, turn.ctx.requester, { limit: STATIC_CHOICES });
      const choices = options.map((o) => ({ title: o.label, value: String(o.value) }));
      if (typed && !choices.some((c) => c.value === typed)) choices.push({ title: typed, value: typed });
      input = { type: 'Input.ChoiceSet', style: 'filtered', choices, 'choices.data': { type: 'Data.Query', dataset: datasetOf(FIX_ACTION, field) }, placeholder: field === 'owner' ? 'Search teams and people' : 'Search systems' };
    } else if (field === 'lifecycle') {
      input = { type: 'Input.ChoiceSet', style: 'expanded', choices: LIFECYCLES.map((l) => ({ title: l, value: l })) };
    } else if (field === 'description') {
      input = { type: 'Input.Text', isMultiline: true, maxLength: 1000, placeholder: 'One sentence that tells others what it is for' };
    } else {
      input = { type: 'Input.Text', placeholder: 'url:https://... or dir:. (TechDocs), or a link to the docs' };
    }
    const card: CardJson = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: CARD_VERSION,
      fallbackText: `Fix the ${field} of ${name}`,
      body: [
        { type: 'TextBlock', text: `Fix the ${field} of ${name}`, size: 'Large', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: deps.opener ? 'Callsheet opens a pull request that changes only this field.' : 'Callsheet checks the value and links the file to edit.', isSubtle: true, wrap: true },
        {
          ...input,
          id: FIX_INPUT,
          label: field[0].toUpperCase() + field.slice(1),
          isRequired: true,
          errorMessage: error ?? `Choose the ${field}`,
          ...(typed ? { value: typed } : {}),
        },
        ...(error ? [{ type: 'TextBlock', text: `⚠ ${error}`, color: 'Attention', size: 'Small', wrap: true, spacing: 'None' }] : []),
      ],
      actions: [{ type: 'Action.Submit', title: deps.opener ? 'Open pull request' : 'Check and get the edit link', style: 'positive', data: dialogData(FIX_ACTION, { target }) }],
    };
    return { type: 'card', title: `Fix ${name}`, card };
  }

  const fix: DialogHandler = {
    async open(value, turn) {
      const field = value.rule ? fixFieldOf(value.rule) : undefined;
      if (!value.entity || !field) return { type: 'message', text: 'This finding has no fix to propose from chat.' };
      return fixCard(value, field, turn);
    },
    async submit(data, turn) {
      const raw = data.target && typeof data.target === 'object' ? (data.target as Record<string, unknown>) : {};
      const target = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
      const field = target.rule ? fixFieldOf(target.rule) : undefined;
      if (!target.entity || !field || !isRuleId(target.rule)) return { type: 'message', text: 'This form is out of date. Ask again to get a fresh card.' };
      const typed = typeof data[FIX_INPUT] === 'string' ? (data[FIX_INPUT] as string) : '';
      const actor = actorOf(turn.ctx.requester);
      let result;
      try {
        result = await proposeFix(db, deps.opener, { entityRef: target.entity, rule: target.rule, value: typed, requester: actor }, clock);
      } catch (error) {
        if (!(error instanceof ActionError)) throw error;
        return fixCard(target, field, turn, error.message, typed);
      }
      await onDigest(target, { kind: 'fix-proposed', by: actor.name, detail: result.url });
      return { type: 'message', text: result.kind !== 'edit-link' ? `${changeRequestNoun(result.kind).replace(/^./, (c) => c.toUpperCase())} opened: ${result.url}` : `Change the ${field} of ${shortRef(target.entity)} here: ${result.url}` };
    },
    async search(text, dataset, turn): Promise<Choice[]> {
      if (dataset !== 'owner' && dataset !== 'system') return [];
      const options = await entityOptions(db, pickerField(dataset), turn.ctx.requester, { search: text, limit: MAX_SEARCH_RESULTS });
      return options.map((o) => ({ title: o.label, value: String(o.value) }));
    },
  };

  return { actions: { [REVIEW_ACTION]: review, [SNOOZE_ACTION]: snoozeButton, [AGENTS_MD_ACTION]: agentsMd }, dialogs: { [FIX_ACTION]: fix } };
}
