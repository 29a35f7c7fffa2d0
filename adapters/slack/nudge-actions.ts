/**
 * The buttons of a nudge digest in Slack: Still accurate, Snooze 30/90 days, and Fix (a modal with
 * the owner picker or the missing field, then a pull request or the file's edit link), and Add
 * AGENTS.md (a pull or merge request, its link answered in the digest's thread). Each action
 * is recorded on the delivery and every posted copy of the digest is updated with `chat.update` to
 * show what was done and by whom.
 */
import type { App, BlockSuggestion, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { shortRef } from '../../src/catalog/refs.js';
import type { Clock } from '../../src/clock.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { ActionError, changeRequestNoun, fixFieldOf, markReviewed, proposeFix, recordDigestAction, snooze, type Actor } from '../../src/nudges/actions.js';
import type { DoneAction, FixField } from '../../src/nudges/digest.js';
import type { PullRequestOpener, RootFileProposer } from '../../src/nudges/ports.js';
import { proposeAgentsMd } from '../../src/nudges/agents-md-action.js';
import { isRuleId, ruleInfo } from '../../src/nudges/rules/index.js';
import type { RuleId } from '../../src/nudges/types.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import { SLACK_MODAL_LIMITS as L, fitText } from '../../src/scaffolder/form-limits.js';
import type { EntityField } from '../../src/reply/form.js';
import { plain, type RichText } from '../../src/reply/reply.js';
import { apology } from './answer.js';
import { resolveMentions, resolveRequester } from './identities.js';
import type { FeatureAction, SlackExtension, SlackInteraction } from './listeners.js';
import { clip, escapeMrkdwn, safeUrl } from './mrkdwn.js';
import { entityOption } from './render-form.js';
import { renderNotice, renderReply } from './render-reply.js';
import type { ResponseUrlPoster } from './response-url.js';

type ModalView = types.ModalView;

export const NUDGE_ACTION = { review: 'nudge.review', snooze: 'nudge.snooze', fix: 'nudge.fix', agentsMd: 'nudge.agents-md' } as const;
export const FIX_VIEW = 'callsheet.nudge.fix';
const VALUE_BLOCK = 'value';
export const FIX_VALUE_ACTION = 'callsheet.nudge.value';
const LIFECYCLES = ['experimental', 'production', 'deprecated'];

export interface NudgeActionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  respond: ResponseUrlPoster;
  /** Opens pull requests (GitHub); without it, or for files it does not handle, Fix gives the edit link. */
  opener?: PullRequestOpener;
  /** Opens "Add AGENTS.md" requests; without it the button is refused with the reason. */
  agentsMd?: RootFileProposer;
}

/** What the Fix modal carries to its submission. */
interface FixState {
  run?: string;
  team?: string;
  entity: string;
  rule: RuleId;
  channel?: string;
}

const plainText = (text: string, max: number = L.modalTitle) => ({ type: 'plain_text' as const, text: fitText(text.trim() || ' ', max), emoji: true });

function actorOf(requester: Requester, who: { userId: string; name?: string }): Actor {
  return { name: requester.displayName || who.name || who.userId, platform: 'slack', ...(requester.userRef ? { userRef: requester.userRef } : {}) };
}

/** Groups (and Users) for the owner picker; Systems for the system picker. */
function pickerField(field: 'owner' | 'system'): EntityField {
  return { id: field, path: [field], label: field, required: true, type: 'entity', kinds: field === 'owner' ? ['Group'] : ['System'], filter: [], allowArbitraryValues: false, multiple: false };
}

function valueElement(field: FixField): types.InputBlock['element'] {
  switch (field) {
    case 'owner':
    case 'system':
      return { type: 'external_select', action_id: FIX_VALUE_ACTION, min_query_length: 0, placeholder: plainText(field === 'owner' ? 'Choose the owning team' : 'Choose a system', L.placeholder) };
    case 'lifecycle':
      return { type: 'static_select', action_id: FIX_VALUE_ACTION, options: LIFECYCLES.map((l) => ({ text: plainText(l, L.optionText), value: l })) };
    case 'description':
      return { type: 'plain_text_input', action_id: FIX_VALUE_ACTION, multiline: true, max_length: 1000 };
    case 'docs':
      return { type: 'plain_text_input', action_id: FIX_VALUE_ACTION, max_length: 500, placeholder: plainText('dir:. (TechDocs) or https://docs.example.com/…', L.placeholder) };
  }
}

export function fixView(state: FixState, field: FixField): ModalView {
  const title = field === 'owner' ? 'Set the owner' : `Set the ${field}`;
  return {
    type: 'modal',
    callback_id: FIX_VIEW,
    title: plainText(title),
    submit: plainText('Propose fix'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(state),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${escapeMrkdwn(shortRef(state.entity))}*: ${escapeMrkdwn(ruleInfo[state.rule].title)}`, L.label) } },
      {
        type: 'input',
        block_id: VALUE_BLOCK,
        label: plainText(field === 'owner' ? 'Owner' : field[0].toUpperCase() + field.slice(1), L.label),
        hint: plainText('Callsheet opens a pull request with this change to the entity\'s catalog file, naming you; for files not on GitHub you get the link to edit it.', L.hint),
        element: valueElement(field),
      },
    ],
  };
}

function noticeView(title: string, text: string): ModalView {
  return { type: 'modal', callback_id: FIX_VIEW, title: plainText(title), close: plainText('Close'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, L.label) } }] };
}

function linkText(url: string, label: string): string {
  const safe = safeUrl(url);
  return safe ? `<${safe}|${escapeMrkdwn(label)}>` : escapeMrkdwn(url);
}

export function nudgeActions(deps: NudgeActionDeps): { actions: Record<string, FeatureAction>; extension: SlackExtension } {
  const { db, clock, logger, web } = deps;
  const identity = { db, web, clock, logger };

  /** Tells only the person who clicked (a refusal, or the confirmation when there is no digest to update). */
  async function tell(interaction: SlackInteraction, text: string): Promise<void> {
    const message = renderNotice(text);
    if (interaction.responseUrl) await deps.respond(interaction.responseUrl, { response_type: 'ephemeral', replace_original: false, ...message });
    else if (interaction.channelId) await web.chat.postEphemeral({ channel: interaction.channelId, user: interaction.user.userId, ...message });
  }

  /** Records the action on the digest and updates every posted copy; false when there is no digest. */
  async function settle(value: Record<string, string>, action: DoneAction & { entity: string; rule?: RuleId }): Promise<boolean> {
    const runId = Number(value.run);
    if (!value.team || !Number.isInteger(runId)) return false;
    const recorded = await recordDigestAction(db, { runId, teamRef: value.team }, action);
    if (!recorded) return false;
    const message = renderReply(recorded.reply, { mentions: await resolveMentions(identity, recorded.reply) });
    const copies = (recorded.messages as Array<{ platform?: string; channel?: string; ts?: string }>).filter((m) => m.platform === 'slack' && m.channel && m.ts);
    for (const copy of copies) {
      try {
        await web.chat.update({ channel: copy.channel!, ts: copy.ts!, ...message });
      } catch (error) {
        logger.warn({ err: (error as Error).message, channel: copy.channel }, 'could not update a posted digest');
      }
    }
    return copies.length > 0;
  }

  /** Runs an action; a refusal from the core (unknown entity, bad value) is told to the clicker. */
  async function guarded(interaction: SlackInteraction, work: () => Promise<void>): Promise<undefined> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
      await tell(interaction, error.message);
    }
    return undefined;
  }

  const review: FeatureAction = (value, ctx, interaction) =>
    guarded(interaction, async () => {
      const actor = actorOf(ctx.requester, interaction.user);
      await markReviewed(db, value.entity ?? '', actor, clock);
      if (!(await settle(value, { kind: 'reviewed', by: actor.name, entity: value.entity }))) await tell(interaction, `Recorded: ${shortRef(value.entity)} is still accurate.`);
    });

  const snoozeAction: FeatureAction = (value, ctx, interaction) =>
    guarded(interaction, async () => {
      const actor = actorOf(ctx.requester, interaction.user);
      const rule = value.rule ?? '';
      const { until } = await snooze(db, value.entity ?? '', rule, Number(value.days), actor, clock);
      const day = until.toISOString().slice(0, 10);
      if (!isRuleId(rule) || !(await settle(value, { kind: 'snoozed', by: actor.name, detail: day, entity: value.entity, rule }))) await tell(interaction, `Snoozed until ${day}.`);
    });

  const fix: FeatureAction = (value, _ctx, interaction) =>
    guarded(interaction, async () => {
      const rule = value.rule ?? '';
      const field = fixFieldOf(rule);
      if (!field || !isRuleId(rule) || !value.entity) throw new ActionError(`findings of rule ${rule || '(none)'} have no fix`);
      if (!interaction.triggerId) throw new ActionError('Slack sent no trigger to open the fix form; try the button again');
      const state: FixState = { entity: value.entity, rule, ...(value.run ? { run: value.run } : {}), ...(value.team ? { team: value.team } : {}), ...(interaction.channelId ? { channel: interaction.channelId } : {}) };
      await web.views.open({ trigger_id: interaction.triggerId, view: fixView(state, field) });
    });

  /** Says it in the digest's thread, for the team to see (to the clicker alone when there is no thread). */
  async function inThread(interaction: SlackInteraction, text: RichText): Promise<void> {
    const message = renderReply({ summary: plain(text), sections: [{ text }] });
    if (!interaction.channelId || !interaction.messageTs || interaction.isEphemeral) {
      if (interaction.responseUrl) await deps.respond(interaction.responseUrl, { response_type: 'ephemeral', replace_original: false, ...message });
      return;
    }
    await web.chat.postMessage({ channel: interaction.channelId, thread_ts: interaction.messageTs, ...message });
  }

  const agentsMd: FeatureAction = (value, ctx, interaction) =>
    guarded(interaction, async () => {
      const actor = actorOf(ctx.requester, interaction.user);
      const entity = value.entity ?? '';
      const outcome = await proposeAgentsMd(db, deps.agentsMd, { entityRef: entity, requester: actor, staleAfterDays: ctx.staleAfterDays }, clock);
      const url = outcome.kind === 'unchanged' ? undefined : outcome.url;
      await settle(value, { kind: 'agents-md-proposed', by: actor.name, ...(url ? { detail: url } : {}), entity });
      const who: RichText = [{ type: 'user', ref: actor.userRef ?? '', name: actor.name, slackId: interaction.user.userId }];
      await inThread(
        interaction,
        outcome.kind === 'unchanged'
          ? [`The AGENTS.md of ${shortRef(entity)} is already up to date; there is nothing to propose.`]
          : [...who, ` proposed the AGENTS.md of ${shortRef(entity)} as a ${changeRequestNoun(outcome.kind)}: `, { type: 'link', text: outcome.url, url: outcome.url }],
      );
    });

  const extension: SlackExtension = {
    register(app: App) {
      app.options<'block_suggestion'>({ action_id: FIX_VALUE_ACTION }, async ({ body, ack }) => {
        const state = JSON.parse((body as BlockSuggestion & { view?: { private_metadata?: string } }).view?.private_metadata || '{}') as Partial<FixState>;
        const field = fixFieldOf(state.rule ?? '');
        if (field !== 'owner' && field !== 'system') {
          await ack({ options: [] });
          return;
        }
        const requester = await resolveRequester(identity, { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id });
        const found = await entityOptions(db, pickerField(field), requester, { search: String(body.value ?? '') });
        await ack({ options: found.filter((o) => typeof o.value === 'string' && o.value.length <= L.optionValue).map((o) => entityOption(o.value as string, o.label)) });
      });

      app.view(FIX_VIEW, async ({ ack, body, view }) => {
        const state = JSON.parse(view.private_metadata || '{}') as FixState;
        const field = fixFieldOf(state.rule);
        const element = (view.state.values as Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>)[VALUE_BLOCK]?.[FIX_VALUE_ACTION];
        const chosen = (element?.selected_option?.value ?? element?.value ?? '').trim();
        if (!field || !isRuleId(state.rule)) {
          await ack({ response_action: 'update', view: noticeView('Fix', 'This finding has no fix.') });
          return;
        }
        if (!chosen) {
          await ack({ response_action: 'errors', errors: { [VALUE_BLOCK]: `Give the ${field}` } });
          return;
        }
        // Opening a pull request takes longer than Slack waits for this answer: say so, then report.
        await ack({ response_action: 'update', view: noticeView('Fix', field === 'owner' ? 'Proposing the new owner…' : `Proposing the ${field}…`) });
        const who = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name };
        let result: ModalView;
        try {
          const requester = await resolveRequester(identity, who);
          const actor = actorOf(requester, who);
          const fixed = await proposeFix(db, deps.opener, { entityRef: state.entity, rule: state.rule, value: chosen, requester: actor }, clock);
          await settle({ run: state.run ?? '', team: state.team ?? '' }, { kind: 'fix-proposed', by: actor.name, detail: fixed.url, entity: state.entity, rule: state.rule });
          result =
            fixed.kind !== 'edit-link'
              ? noticeView('Fix proposed', `Opened a ${changeRequestNoun(fixed.kind)}: ${linkText(fixed.url, fixed.url)}. The finding clears once it is merged and synced.`)
              : noticeView('Edit the file', `${escapeMrkdwn(shortRef(state.entity))} is not in a repository Callsheet can open pull requests for. Set its ${field} to \`${escapeMrkdwn(chosen)}\` here: ${linkText(fixed.url, 'edit the file')}`);
        } catch (error) {
          const text = error instanceof ActionError ? error.message : apology({ logger }, error, { view: FIX_VIEW, user: who.userId }).summary;
          result = noticeView('Fix', escapeMrkdwn(text));
        }
        await web.views.update({ view_id: view.id, view: result });
      });
    },
  };

  return { actions: { [NUDGE_ACTION.review]: review, [NUDGE_ACTION.snooze]: snoozeAction, [NUDGE_ACTION.fix]: fix, [NUDGE_ACTION.agentsMd]: agentsMd }, extension };
}
