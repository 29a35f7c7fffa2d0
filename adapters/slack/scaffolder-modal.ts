/**
 * `/catalog create [template]` in Slack: a modal that picks a template the user may run, then shows
 * its form page by page, validates each page on the server, and on the last page creates the task
 * and posts a progress message (a direct message) that the Slack TaskNotifier keeps up to date.
 *
 * Slack's trigger id lives three seconds, so the modal is opened before anything that can be slow
 * (identity look-ups, catalog queries) and filled in with `views.update` afterwards. Everything the
 * modal needs between pages travels in its `private_metadata`: any replica can serve any callback.
 * Views live in create-views.ts, options loads in create-options.ts, task creation in create-task.ts.
 */
import type { App, BlockAction, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AuditOutcome } from '../../src/audit/record.js';
import type { Clock } from '../../src/clock.js';
import { parseLine } from '../../src/commands/grammar.js';
import { findCommand } from '../../src/commands/registry.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { SLACK_MODAL_LIMITS as L } from '../../src/scaffolder/form-limits.js';
import type { Form } from '../../src/reply/form.js';
import { initialValues, type Values } from '../../src/scaffolder/form-values.js';
import { auditableValues, openForm } from '../../src/scaffolder/service.js';
import { validatePage, validateValues } from '../../src/scaffolder/validate-values.js';
import { apology } from './answer.js';
import { recordAudit } from './audit.js';
import { registerCreateOptions } from './create-options.js';
import { registerCreatePreview } from './create-preview.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import { startTask, type Who } from './create-task.js';
import { formView, loadingView, noticeView, pickerView, suggestionNotice, TEMPLATE_ACTION, TEMPLATE_BLOCK, TEMPLATE_PICK } from './create-views.js';
import { resolveRequester } from './identities.js';
import { lineFor, type FeatureAction, type SlackExtension } from './listeners.js';
import { clip } from './mrkdwn.js';
import { decodeState, errorsByBlock, FIELD_ACTION, fieldIdOf, FORM_PAGE, pageView, readPage, type StateValues } from './render-form.js';
import { renderReply } from './render-reply.js';

export { pickerView, TEMPLATE_ACTION, TEMPLATE_PICK } from './create-views.js';

type ModalView = types.ModalView;

export interface CreateModalDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  /** Told to look for work as soon as a task is created here. */
  worker?: { wake(): void };
  /** What the Preview button's dry run runs steps with. */
  runner?: RunnerDeps;
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

  /** A modal submission in the audit log: which template and page, how it ended, answers without passwords. */
  const auditSubmission = (who: Who, requester: Requester | undefined, template: string | undefined, outcome: AuditOutcome, details: Record<string, unknown>, form?: Form, values?: Values) => {
    const kept = form && values ? auditableValues(form, values) : undefined;
    return recordAudit(db, logger, {
      actor: who.userId,
      actorRef: requester?.userRef,
      action: 'modal.submit',
      target: template,
      outcome,
      details: { ...details, ...(kept ? { values: kept.values } : {}) },
      secrets: kept?.secrets,
      at: deps.clock.now(),
    });
  };

  /** The form of `wanted` for this user, or the view that says why not. */
  async function viewFor(wanted: string, who: Who, channel: string | undefined): Promise<{ view: ModalView; outcome: AuditOutcome }> {
    const opened = await openForm(db, wanted, await requesterOf(who), deps.runner?.codeHosts);
    if (opened.ok) return { view: formView(opened.form, channel), outcome: 'ok' };
    if (opened.suggestions === undefined) return { view: noticeView('Create', opened.message), outcome: 'refused' };
    return { view: pickerView(channel, suggestionNotice(opened.message, opened.suggestions)), outcome: 'error' };
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

  const openTemplate: FeatureAction = async (value, ctx, interaction) => {
    const template = value.template ?? '';
    if (!interaction.triggerId) return undefined;
    const opened = await web.views.open({ trigger_id: interaction.triggerId, view: loadingView() });
    await fill(opened.view?.id, opened.view?.hash, async () => {
      const form = await openForm(db, template, ctx.requester, deps.runner?.codeHosts);
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
        let outcome: AuditOutcome = 'ok';
        if (wanted) {
          await fill(opened.view?.id, opened.view?.hash, async () => {
            const shown = await viewFor(wanted, who, command.channel_id);
            outcome = shown.outcome;
            return shown.view;
          }, { command: 'create', user: who.userId });
        }
        await recordAudit(db, logger, { actor: who.userId, action: 'command', target: 'create', channel: command.channel_id, text: line, outcome, at: deps.clock.now() });
      });

      registerCreateOptions(app, { db, logger, clock: deps.clock, requesterOf });
      registerCreatePreview(app, { db, logger, clock: deps.clock, web, runner: deps.runner, requesterOf });

      app.view(TEMPLATE_PICK, async ({ ack, body, view }) => {
        const ref = (view.state.values as StateValues)[TEMPLATE_BLOCK]?.[TEMPLATE_ACTION]?.selected_option?.value;
        const { c: channel } = JSON.parse(view.private_metadata || '{}') as { c?: string };
        const who = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name };
        if (!ref) {
          await ack({ response_action: 'errors', errors: { [TEMPLATE_BLOCK]: 'Choose a template' } });
          return;
        }
        const requester = await requesterOf(who);
        const opened = await openForm(db, ref, requester, deps.runner?.codeHosts);
        if (!opened.ok) {
          await ack({ response_action: 'errors', errors: { [TEMPLATE_BLOCK]: clip(opened.message, L.hint) } });
          await auditSubmission(who, requester, ref, 'refused', { view: TEMPLATE_PICK, reason: opened.message });
          return;
        }
        await ack({ response_action: 'update', view: formView(opened.form, channel) });
        await auditSubmission(who, requester, ref, 'ok', { view: TEMPLATE_PICK });
      });

      app.view(FORM_PAGE, async ({ ack, body, view }) => {
        const state = decodeState(view.private_metadata);
        const who = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id, name: body.user.name };
        const requester = await requesterOf(who);
        const opened = await openForm(db, state.t, requester, deps.runner?.codeHosts);
        if (!opened.ok) {
          await ack({ response_action: 'update', view: noticeView('Create', opened.message) });
          await auditSubmission(who, requester, state.t, 'refused', { view: FORM_PAGE, page: state.p, reason: opened.message });
          return;
        }
        const { form } = opened;
        const submitted = view.state.values as StateValues;
        const rendered = new Set(Object.keys(submitted).map(fieldIdOf).filter((id): id is string => id !== undefined));
        const read = form.pages.length > 0 ? readPage(form, state.p, state.vals, submitted) : { values: state.vals, errors: [], shown: [] };
        const audit = (outcome: AuditOutcome, details: Record<string, unknown> = {}) => auditSubmission(who, requester, state.t, outcome, { view: FORM_PAGE, page: state.p, ...details }, form, read.values);
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
          await audit('error', { errors });
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
          await audit('ok');
          return;
        }
        const all = validateValues(form, read.values);
        if (all.length > 0) {
          await ack({ response_action: 'errors', errors: errorsByBlock(all, read.shown) });
          await audit('error', { errors: all });
          return;
        }
        await ack({ response_action: 'clear' });
        await audit('ok', { last: true });
        try {
          await startTask(deps, form, state, read.values, who, requester);
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
          // Only a template this person may run is redrawn (the same check as opening it).
          const opened = await openForm(db, state.t, await requesterOf({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id }), deps.runner?.codeHosts);
          if (!opened.ok) return;
          const read = readPage(opened.form, state.p, state.vals, view.state.values as StateValues);
          const again = pageView(opened.form, state.p, { values: read.values, state });
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
