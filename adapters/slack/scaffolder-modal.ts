/**
 * `/catalog create [template]` in Slack: a modal that picks a template the user may run, then shows
 * its form page by page, validates each page on the server, and on the last page creates the task
 * and posts a progress message (a direct message) that the Slack TaskNotifier keeps up to date.
 *
 * Slack's trigger id lives three seconds, so the modal is opened before anything that can be slow
 * (identity look-ups, catalog queries) and filled in with `views.update` afterwards. Everything the
 * modal needs between pages travels in its `private_metadata`: any replica can serve any callback.
 */
import type { App, BlockAction, BlockSuggestion, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import { parseLine } from '../../src/commands/grammar.js';
import type { Reply } from '../../src/commands/reply.js';
import { findCommand } from '../../src/commands/registry.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import { SLACK_MODAL_LIMITS as L, fitText } from '../../src/scaffolder/form-limits.js';
import type { EntityField, Form } from '../../src/scaffolder/form-types.js';
import { initialValues, type Values } from '../../src/scaffolder/form-values.js';
import { formOf, openForm, submitTask } from '../../src/scaffolder/service.js';
import { loadTemplate, runnableTemplates } from '../../src/scaffolder/templates.js';
import { validatePage, validateValues } from '../../src/scaffolder/validate-values.js';
import { apology } from './answer.js';
import { resolveRequester } from './identities.js';
import { lineFor, type FeatureAction, type SlackExtension } from './listeners.js';
import { clip } from './mrkdwn.js';
import {
  decodeState,
  entityOption,
  errorsByBlock,
  FIELD_ACTION,
  fieldIdOf,
  FORM_PAGE,
  hiddenValues,
  pageView,
  readPage,
  type CreateState,
  type StateValues,
} from './render-form.js';
import { renderReply } from './render-reply.js';
import { taskMessage, type SlackTaskTarget } from './task-notifier.js';

type ModalView = types.ModalView;

export const TEMPLATE_PICK = 'callsheet.create.pick';
export const TEMPLATE_ACTION = 'callsheet.create.template';
const TEMPLATE_BLOCK = 'template';

export interface CreateModalDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  /** Told to look for work as soon as a task is created here. */
  worker?: { wake(): void };
}

interface Who {
  userId: string;
  teamId?: string;
  name?: string;
}

const plainText = (text: string, max: number = L.modalTitle) => ({ type: 'plain_text' as const, text: fitText(text.trim() || ' ', max), emoji: true });

function noticeView(title: string, text: string): ModalView {
  return { type: 'modal', title: plainText(title), close: plainText('Close'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, L.label) } }] };
}

const loadingView = (title = 'Create') => noticeView(title, 'Loading…');

export function pickerView(channel: string | undefined, notice?: string): ModalView {
  const blocks: types.KnownBlock[] = [];
  if (notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(notice, L.label) } });
  blocks.push({
    type: 'input',
    block_id: TEMPLATE_BLOCK,
    label: plainText('Template', L.label),
    hint: plainText('Type to search the templates you may run.', L.hint),
    element: { type: 'external_select', action_id: TEMPLATE_ACTION, min_query_length: 0, placeholder: plainText('Choose a template', L.placeholder) },
  });
  return {
    type: 'modal',
    callback_id: TEMPLATE_PICK,
    title: plainText('Create'),
    submit: plainText('Next'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(channel ? { c: channel } : {}),
    blocks,
  };
}

/** Page one of a template's form for a fresh start. */
function firstPage(form: Form, channel: string | undefined): ModalView | undefined {
  const state: CreateState = { t: form.templateRef, p: 0, vals: hiddenValues(form), ...(channel ? { c: channel } : {}) };
  if (form.pages.length === 0) return undefined;
  return pageView(form, 0, { values: { ...initialValues(form), ...state.vals }, state });
}

/** A template with no questions still runs; its "form" is one confirmation page. */
function confirmView(form: Form, channel: string | undefined): ModalView {
  const state: CreateState = { t: form.templateRef, p: 0, vals: {}, ...(channel ? { c: channel } : {}) };
  return {
    type: 'modal',
    callback_id: FORM_PAGE,
    title: plainText(form.title || 'Create'),
    submit: plainText('Create'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(state),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(form.description ?? `Create something new from ${form.title}.`, L.label) } }],
  };
}

function formView(form: Form, channel: string | undefined): ModalView {
  return firstPage(form, channel) ?? confirmView(form, channel);
}

export function claimsCreate(line: string): boolean {
  const name = parseLine(line).name;
  return !!name && findCommand(name)?.name === 'create';
}

function argsOf(line: string): string {
  return parseLine(line).args.trim();
}

export function createModal(deps: CreateModalDeps): { extension: SlackExtension; openTemplate: FeatureAction } {
  const { db, logger, web } = deps;
  const identity = { db, web, clock: deps.clock, logger };
  const requesterOf = (who: Who): Promise<Requester> => resolveRequester(identity, who);

  /** The form of `wanted` for this user, or the view that says why not. */
  async function viewFor(wanted: string, who: Who, channel: string | undefined): Promise<ModalView> {
    const opened = await openForm(db, wanted, await requesterOf(who));
    if (opened.ok) return formView(opened.form, channel);
    if (opened.suggestions === undefined) return noticeView('Create', opened.message);
    const names = opened.suggestions.map((t) => `*${t.title}* (${t.name})`).join(', ');
    return pickerView(channel, names ? `${opened.message} Did you mean ${names}?` : opened.message);
  }

  async function fill(viewId: string | undefined, hash: string | undefined, work: () => Promise<ModalView>, context: Record<string, unknown>): Promise<void> {
    let view: ModalView;
    try {
      view = await work();
    } catch (error) {
      const reply = apology({ logger }, error, context);
      view = noticeView('Create', reply.summary);
    }
    if (viewId) await web.views.update({ view_id: viewId, ...(hash ? { hash } : {}), view });
  }

  /** Creates the task after its DM is posted, so the task knows which message to keep updating. */
  async function startTask(form: Form, state: CreateState, values: Values, who: Who, requester: Requester): Promise<void> {
    let channel = state.c;
    try {
      const dm = await web.conversations.open({ users: who.userId });
      channel = dm.channel?.id ?? channel;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not open a direct message for task progress; using the channel of the command');
    }
    if (!channel) throw new Error('no conversation to report the task in');
    const waiting: Reply = { summary: `${form.title}: starting`, header: `${form.title} — starting`, sections: [{ text: ['Your request was accepted; the steps appear here as they run.'] }] };
    const posted = await web.chat.postMessage({ channel, ...renderReply(waiting) });
    const target: SlackTaskTarget = { platform: 'slack', channel: posted.channel ?? channel, ts: posted.ts!, title: form.title };
    const submitted = await submitTask(db, deps.clock, { templateRef: form.templateRef, requester, values, replyTo: { ...target } });
    if (!submitted.ok) {
      const text = submitted.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('\n');
      await web.chat.update({ channel: target.channel, ts: target.ts, ...renderReply({ summary: `${form.title}: not started`, header: `${form.title} — not started`, sections: [{ text: [text] }], isError: true }) });
      return;
    }
    logger.info({ task: submitted.task.id, template: form.templateRef, user: who.userId }, 'scaffolder task created from Slack');
    await web.chat.update({ channel: target.channel, ts: target.ts, ...taskMessage(submitted.task, form.title) });
    deps.worker?.wake();
  }

  const openTemplate: FeatureAction = async (value, ctx, interaction) => {
    const template = value.template ?? '';
    if (!interaction.triggerId) return undefined;
    const opened = await web.views.open({ trigger_id: interaction.triggerId, view: loadingView() });
    await fill(opened.view?.id, opened.view?.hash, async () => {
      const form = await openForm(db, template, ctx.requester);
      return form.ok ? formView(form.form, interaction.channelId) : noticeView('Create', form.message);
    }, { action: 'scaffolder.open', user: interaction.user.userId });
    return undefined;
  };

  const extension: SlackExtension = {
    claimsLine: claimsCreate,
    register(app: App) {
      app.command(/.*/, async ({ command, ack }) => {
        const line = lineFor(command.command, command.text ?? '');
        if (!claimsCreate(line)) return;
        await ack();
        const wanted = argsOf(line);
        const who = { userId: command.user_id, teamId: command.team_id, name: command.user_name };
        // Nothing before views.open: the trigger id expires three seconds after the command.
        const opened = await web.views.open({ trigger_id: command.trigger_id, view: wanted ? loadingView() : pickerView(command.channel_id) });
        if (!wanted) return;
        await fill(opened.view?.id, opened.view?.hash, () => viewFor(wanted, who, command.channel_id), { command: 'create', user: who.userId });
      });

      app.options<'block_suggestion'>({ action_id: TEMPLATE_ACTION }, async ({ body, ack }) => {
        const search = String(body.value ?? '').trim().toLowerCase().slice(0, 100);
        const requester = await requesterOf({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id });
        const templates = (await runnableTemplates(db, requester))
          .filter((t) => !search || t.name.includes(search) || t.title.toLowerCase().includes(search) || (t.description ?? '').toLowerCase().includes(search))
          .filter((t) => t.ref.length <= L.optionValue)
          .slice(0, L.options);
        await ack({ options: templates.map((t) => ({ text: plainText(`${t.title} (${t.name})`, L.optionText), value: t.ref })) });
      });

      app.options<'block_suggestion'>({ action_id: FIELD_ACTION }, async ({ body, ack }) => {
        const suggestion = body as BlockSuggestion & { view?: { private_metadata?: string } };
        const state = decodeState(suggestion.view?.private_metadata);
        const template = await loadTemplate(db, state.t);
        const fieldId = fieldIdOf(body.block_id);
        const field = template ? formOf(template).pages.flatMap((p) => p.fields).find((f): f is EntityField => f.id === fieldId && f.type === 'entity') : undefined;
        if (!field) {
          await ack({ options: [] });
          return;
        }
        const search = String(body.value ?? '').trim();
        const requester = await requesterOf({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id });
        const found = await entityOptions(db, field, requester, { search, limit: L.options - 1 });
        const options = found.filter((o) => typeof o.value === 'string' && o.value.length <= L.optionValue).map((o) => entityOption(o.value as string, o.label));
        // Backstage's allowArbitraryValues: what was typed is offered as it is, to be checked on submit.
        if (field.allowArbitraryValues && search && search.length <= L.optionValue && !options.some((o) => o.value === search.toLowerCase())) options.push(entityOption(search, `Use "${search}"`));
        await ack({ options });
      });

      app.view(TEMPLATE_PICK, async ({ ack, body, view }) => {
        const ref = (view.state.values as StateValues)[TEMPLATE_BLOCK]?.[TEMPLATE_ACTION]?.selected_option?.value;
        const { c: channel } = JSON.parse(view.private_metadata || '{}') as { c?: string };
        if (!ref) {
          await ack({ response_action: 'errors', errors: { [TEMPLATE_BLOCK]: 'Choose a template' } });
          return;
        }
        const opened = await openForm(db, ref, await requesterOf({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name }));
        if (!opened.ok) {
          await ack({ response_action: 'errors', errors: { [TEMPLATE_BLOCK]: clip(opened.message, L.hint) } });
          return;
        }
        await ack({ response_action: 'update', view: formView(opened.form, channel) });
      });

      app.view(FORM_PAGE, async ({ ack, body, view }) => {
        const state = decodeState(view.private_metadata);
        const who = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name };
        const requester = await requesterOf(who);
        const opened = await openForm(db, state.t, requester);
        if (!opened.ok) {
          await ack({ response_action: 'update', view: noticeView('Create', opened.message) });
          return;
        }
        const { form } = opened;
        const submitted = view.state.values as StateValues;
        const rendered = new Set(Object.keys(submitted).map(fieldIdOf).filter((id): id is string => id !== undefined));
        const read = form.pages.length > 0 ? readPage(form, state.p, state.vals, submitted) : { values: state.vals, errors: [], shown: [] };
        // A choice changed which fields show (and Slack did not tell us before submit): ask again.
        if (read.shown.some((f) => !rendered.has(f.id))) {
          const again = pageView(form, state.p, { values: read.values, state, notice: 'More questions apply to your choices.' });
          if (again) {
            await ack({ response_action: 'update', view: again });
            return;
          }
        }
        const errors = read.errors.length > 0 ? read.errors : form.pages.length > 0 ? validatePage(form, state.p, read.values) : [];
        if (errors.length > 0) {
          await ack({ response_action: 'errors', errors: errorsByBlock(errors, read.shown) });
          return;
        }
        const last = form.pages.length === 0 || state.p === form.pages.length - 1;
        if (!last) {
          const next = pageView(form, state.p + 1, { values: { ...initialValues(form), ...read.values }, state: { ...state, vals: read.values } });
          if (!next) {
            const longest = [...read.shown].sort((a, b) => JSON.stringify(read.values[b.id] ?? '').length - JSON.stringify(read.values[a.id] ?? '').length)[0];
            await ack({ response_action: 'errors', errors: errorsByBlock([{ field: longest?.id ?? '', message: 'Your answers are too long to carry to the next page in Slack; shorten this one.' }], read.shown) });
            return;
          }
          await ack({ response_action: 'update', view: next });
          return;
        }
        const all = validateValues(form, read.values);
        if (all.length > 0) {
          await ack({ response_action: 'errors', errors: errorsByBlock(all, read.shown) });
          return;
        }
        await ack({ response_action: 'clear' });
        try {
          await startTask(form, state, read.values, who, requester);
        } catch (error) {
          const reply = apology({ logger }, error, { view: FORM_PAGE, user: who.userId });
          const channel = state.c;
          if (channel) await web.chat.postEphemeral({ channel, user: who.userId, ...renderReply(reply) }).catch((e) => logger.error({ err: e }, 'could not deliver the apology'));
        }
      });

      // A field other fields depend on changed: redraw the page so the right questions show.
      app.action<BlockAction>({ action_id: FIELD_ACTION }, async ({ ack, body }) => {
        await ack();
        const view = body.view;
        if (!view || view.callback_id !== FORM_PAGE) return;
        try {
          const state = decodeState(view.private_metadata);
          const template = await loadTemplate(db, state.t);
          if (!template) return;
          const form = formOf(template);
          const read = readPage(form, state.p, state.vals, view.state.values as StateValues);
          const again = pageView(form, state.p, { values: read.values, state });
          if (again) await web.views.update({ view_id: view.id, hash: view.hash, view: again });
        } catch (error) {
          // An outdated hash means the user already moved on; the submit checks everything anyway.
          logger.info({ err: (error as Error).message }, 'create form redraw skipped');
        }
      });
    },
  };
  return { extension, openTemplate };
}
