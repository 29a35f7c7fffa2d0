/**
 * Options loads (block_suggestion) of the Slack create modal: the template picker's list, and the
 * choices of an entity field or of a select with more options than a static menu holds. Both answer only for templates the person may run: a field's options
 * belong to its template's form, which a person outside its allowed groups may not open.
 */
import type { App, BlockSuggestion } from '@slack/bolt';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import { SLACK_MODAL_LIMITS as L } from '../../src/scaffolder/form-limits.js';
import type { EntityField, MultiSelectField, SelectField } from '../../src/reply/form.js';
import { openForm } from '../../src/scaffolder/service.js';
import { runnableTemplates } from '../../src/scaffolder/templates.js';
import { recordAudit } from './audit.js';
import { plainText, TEMPLATE_ACTION } from './create-views.js';
import type { Who } from './create-task.js';
import { decodeState, entityOption, FIELD_ACTION, fieldIdOf, optionOf } from './render-form.js';

export interface OptionsDeps {
  db: Db;
  logger: Logger;
  clock: { now(): Date };
  requesterOf(who: Who): Promise<Requester>;
}

export function registerCreateOptions(app: App, deps: OptionsDeps): void {
  const { db } = deps;
  const whoOf = (body: BlockSuggestion): Who => ({ userId: body.user.id, teamId: body.user.team_id ?? body.team?.id });

  app.options<'block_suggestion'>({ action_id: TEMPLATE_ACTION }, async ({ body, ack }) => {
    const search = String(body.value ?? '').trim().toLowerCase().slice(0, 100);
    const requester = await deps.requesterOf(whoOf(body));
    const templates = (await runnableTemplates(db, requester))
      .filter((t) => !search || t.name.includes(search) || t.title.toLowerCase().includes(search) || (t.description ?? '').toLowerCase().includes(search))
      .filter((t) => t.ref.length <= L.optionValue)
      .slice(0, L.options);
    await ack({ options: templates.map((t) => ({ text: plainText(`${t.title} (${t.name})`, L.optionText), value: t.ref })) });
  });

  app.options<'block_suggestion'>({ action_id: FIELD_ACTION }, async ({ body, ack }) => {
    const suggestion = body as BlockSuggestion & { view?: { private_metadata?: string } };
    let templateRef: string;
    try {
      templateRef = decodeState(suggestion.view?.private_metadata).t;
    } catch {
      await ack({ options: [] });
      return;
    }
    const who = whoOf(body);
    const requester = await deps.requesterOf(who);
    // The same check as opening the form: the metadata names a template, but the person must be allowed it.
    const opened = await openForm(db, templateRef, requester);
    if (!opened.ok) {
      await ack({ options: [] });
      await recordAudit(db, deps.logger, { actor: who.userId, actorRef: requester.userRef, action: 'refusal', target: templateRef, outcome: 'refused', details: { what: 'field options', reason: opened.message }, at: deps.clock.now() });
      return;
    }
    const fieldId = fieldIdOf(body.block_id);
    const fields = opened.form.pages.flatMap((p) => p.fields);
    const choice = fields.find((f): f is SelectField | MultiSelectField => f.id === fieldId && (f.type === 'select' || f.type === 'multiselect'));
    if (choice) {
      // A select too long for a static menu: its options, matched by label, at most Slack's 100.
      const search = String(body.value ?? '').trim().toLowerCase();
      const matched = choice.options.map((o, i) => ({ o, i })).filter(({ o }) => !search || o.label.toLowerCase().includes(search));
      await ack({ options: matched.slice(0, L.options).map(({ o, i }) => optionOf(o, i)) });
      return;
    }
    const field = fields.find((f): f is EntityField => f.id === fieldId && f.type === 'entity');
    if (!field) {
      await ack({ options: [] });
      return;
    }
    const search = String(body.value ?? '').trim();
    const found = await entityOptions(db, field, requester, { search, limit: L.options - 1 });
    const options = found.filter((o) => typeof o.value === 'string' && o.value.length <= L.optionValue).map((o) => entityOption(o.value as string, o.label));
    // Backstage's allowArbitraryValues: what was typed is offered as it is, to be checked on submit.
    if (field.allowArbitraryValues && search && search.length <= L.optionValue && !options.some((o) => o.value === search.toLowerCase())) options.push(entityOption(search, `Use "${search}"`));
    await ack({ options });
  });
}
