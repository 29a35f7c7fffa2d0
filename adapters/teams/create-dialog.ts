/**
 * `create` in Teams: the template's button opens a dialog, one card per Form page. Every submit is
 * checked on the server (the same validation Backstage does); errors come back on the fields of the
 * same page. The last page posts a progress card into the conversation, creates the task (which
 * points at that card) and closes the dialog. Permissions are checked on every turn.
 */
import { recordAuditSafely, type AuditOutcome } from '../../src/audit/record.js';
import { OPEN_TEMPLATE_ACTION } from '../../src/commands/create.js';
import type { Reply } from '../../src/reply/reply.js';
import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import type { EntityField, FieldError, Form, Option } from '../../src/reply/form.js';
import { initialValues, type Values } from '../../src/scaffolder/form-values.js';
import { dryRunReply } from '../../src/scaffolder/dry-run-reply.js';
import { previewTask } from '../../src/scaffolder/preview.js';
import { stepsOf, type RunnerDeps } from '../../src/scaffolder/runner.js';
import { auditableValues, openForm, submitTask } from '../../src/scaffolder/service.js';
import type { TemplateRecord } from '../../src/scaffolder/templates.js';
import { validatePage, validateValues } from '../../src/scaffolder/validate-values.js';
import type { Worker } from '../../src/scaffolder/worker.js';
import type { TeamsAdapter } from './index.js';
import { renderCard } from './render-card.js';
import { readPage, renderFormCard, shownIds, STATIC_ENTITY_CHOICES, type FormState } from './render-form-card.js';
import { MAX_SEARCH_RESULTS, type DialogHandler, type DialogResult, type DialogTurn } from './task-module.js';
import type { TeamsReplyTo } from './task-notifier.js';

export interface CreateDialogDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  adapter: Pick<TeamsAdapter, 'updateProactive'>;
  /** Woken after a task is created, so this replica starts it at once. */
  worker?: Pick<Worker, 'wake'>;
  /** What Preview (a dry run of the answers) runs steps with. */
  runner?: RunnerDeps;
}

const MAX_PAGES = 100;

function parseState(raw: unknown): FormState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const s = raw as Record<string, unknown>;
  if (typeof s.template !== 'string' || !Number.isInteger(s.page) || (s.page as number) < 0 || (s.page as number) >= MAX_PAGES) return undefined;
  if (!s.values || typeof s.values !== 'object' || Array.isArray(s.values)) return undefined;
  return { template: s.template, page: s.page as number, values: s.values as Values };
}

function pendingReply(template: TemplateRecord): Reply {
  return {
    summary: `${template.title}: submitted`,
    header: `${template.title} — waiting to start`,
    sections: [{ list: stepsOf(template).map((s) => ({ text: [`○ ${s.name}`] })) }],
  };
}

export function createDialog(deps: CreateDialogDeps): DialogHandler {
  const { db } = deps;

  async function entityChoices(form: Form, page: number, turn: DialogTurn): Promise<Map<string, Option[]>> {
    const out = new Map<string, Option[]>();
    for (const field of form.pages[page]?.fields ?? []) {
      if (field.type === 'entity') out.set(field.id, await entityOptions(db, field, turn.ctx.requester, { limit: STATIC_ENTITY_CHOICES }));
    }
    return out;
  }

  async function page(form: Form, state: FormState, turn: DialogTurn, errors: FieldError[] = []): Promise<DialogResult> {
    const card = renderFormCard({ form, state, dialogId: OPEN_TEMPLATE_ACTION, errors, entityChoices: await entityChoices(form, state.page, turn) });
    return { type: 'card', title: form.title, card };
  }

  /** A dry run of the answers, shown in the dialog with a way back to the form. */
  async function preview(form: Form, state: FormState, turn: DialogTurn): Promise<DialogResult> {
    if (!deps.runner) return { type: 'message', text: 'Previews are not available here.' };
    const previewed = await previewTask({ db, clock: deps.clock, runner: deps.runner }, { templateRef: state.template, requester: turn.ctx.requester, values: state.values });
    if (!previewed.ok) return page(form, state, turn, previewed.errors);
    const card = renderCard(dryRunReply(form.title, previewed.result));
    card.actions = [...((card.actions as unknown[] | undefined) ?? []), { type: 'Action.Submit', title: 'Back to the form', data: { callsheet: 'dialog', id: OPEN_TEMPLATE_ACTION, state, nav: 'return' } }];
    return { type: 'card', title: `${form.title}: preview`, card };
  }

  async function create(template: TemplateRecord, form: Form, values: Values, turn: DialogTurn): Promise<DialogResult> {
    const { activityId } = await turn.post(pendingReply(template));
    if (!activityId) throw new Error('Teams did not return the id of the progress card');
    const replyTo: TeamsReplyTo = { platform: 'teams', reference: turn.reference, activityId, templateTitle: template.title };
    const submitted = await submitTask(db, deps.clock, { templateRef: template.ref, requester: turn.ctx.requester, values, replyTo: replyTo as unknown as Record<string, unknown> });
    if (!submitted.ok) {
      // Permissions or the template changed between the last page and now; say so where the card is.
      const message = submitted.errors.map((e) => e.message).join(' ');
      await deps.adapter.updateProactive(turn.reference, activityId, { summary: `${template.title}: not created`, header: `${template.title} — not created`, sections: [{ text: [message] }], isError: true });
      return { type: 'message', text: `Not created: ${message}` };
    }
    deps.logger.info({ task: submitted.task.id, template: template.ref, requester: turn.ctx.requester.userRef ?? turn.ctx.requester.externalId }, 'scaffolder task created from Teams');
    deps.worker?.wake();
    return { type: 'message', text: `Creating ${template.title}. Progress and links are posted in the conversation.` };
  }

  return {
    async open(value, turn) {
      const opened = await openForm(db, value.template ?? '', turn.ctx.requester, deps.runner?.codeHosts);
      if (!opened.ok) return { type: 'message', text: opened.message };
      return page(opened.form, { template: opened.template.ref, page: 0, values: initialValues(opened.form) }, turn);
    },

    async submit(data, turn) {
      const state = parseState(data.state);
      if (!state) return { type: 'message', text: 'This form is out of date. Type create to start again.' };
      const opened = await openForm(db, state.template, turn.ctx.requester, deps.runner?.codeHosts);
      const { requester } = turn.ctx;
      const audit = (outcome: AuditOutcome, details: Record<string, unknown>, values?: Values) => {
        const kept = values && opened.ok ? auditableValues(opened.form, values) : undefined;
        return recordAuditSafely(db, deps.logger, {
          at: deps.clock.now(),
          platform: 'teams',
          actor: requester.externalId ?? 'unknown',
          actorRef: requester.userRef,
          action: 'modal.submit',
          target: state.template,
          channel: turn.reference.conversation?.id,
          outcome,
          details: { page: state.page, ...details, ...(kept ? { values: kept.values } : {}) },
          secrets: kept?.secrets,
        });
      };
      if (!opened.ok) {
        await audit('refused', { reason: opened.message });
        return { type: 'message', text: opened.message };
      }
      const { form, template } = opened;
      if (state.page >= form.pages.length) return { type: 'message', text: 'The template changed while you were filling it in. Type create to start again.' };
      if (data.nav === 'return') return page(form, state, turn);
      const read = readPage(form, state, data);
      if (data.nav === 'back') return page(form, { ...state, page: Math.max(0, state.page - 1), values: read.values }, turn);
      // A choice brought in questions this card did not ask (cards cannot show them as one types): ask them now.
      const asked = Array.isArray(data.shown) ? (data.shown as unknown[]).map(String) : undefined;
      if (asked && shownIds(form.pages[state.page], read.values).some((id) => !asked.includes(id))) {
        return page(form, { ...state, values: read.values }, turn, [{ field: '', message: 'More questions apply to your choices.' }]);
      }
      const errors = [...read.errors];
      for (const e of validatePage(form, state.page, read.values)) if (!errors.some((x) => x.field === e.field)) errors.push(e);
      await audit(errors.length > 0 ? 'error' : 'ok', errors.length > 0 ? { errors } : {}, read.values);
      if (errors.length > 0) return page(form, { ...state, values: read.values }, turn, errors);
      if (state.page < form.pages.length - 1) return page(form, { ...state, page: state.page + 1, values: read.values }, turn);
      const all = validateValues(form, read.values);
      if (all.length > 0) {
        // An earlier page went stale (values changed since it was checked): back to the first one with an error.
        const first = form.pages.findIndex((p) => p.fields.some((f) => all.some((e) => e.field === f.id)));
        return page(form, { ...state, page: first >= 0 ? first : state.page, values: read.values }, turn, all);
      }
      if (data.nav === 'preview') return preview(form, { ...state, values: read.values }, turn);
      return create(template, form, read.values, turn);
    },

    async search(text, dataset, turn) {
      const bar = dataset.indexOf('|');
      const templateRef = dataset.slice(0, bar);
      const fieldId = dataset.slice(bar + 1);
      const opened = await openForm(db, templateRef, turn.ctx.requester, deps.runner?.codeHosts);
      if (!opened.ok) return [];
      const field = opened.form.pages.flatMap((p) => p.fields).find((f): f is EntityField => f.id === fieldId && f.type === 'entity');
      if (!field) return [];
      const options = await entityOptions(db, field, turn.ctx.requester, { search: text, limit: MAX_SEARCH_RESULTS });
      return options.map((o) => ({ title: o.label, value: String(o.value) }));
    },
  };
}
