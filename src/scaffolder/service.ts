/**
 * What adapters call: open a template's form for a requester (with the refusals), and submit values
 * (validated on the server, exactly as the form's schemas say) to create a task for the workers.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Requester } from '../commands/types.js';
import { buildForm } from './form.js';
import type { FieldError, Form } from './form-types.js';
import { getPath, withoutInactive, type Values } from './form-values.js';
import { stepsOf } from './runner.js';
import { createTask, type TaskRecord } from './tasks.js';
import { accessTo, findTemplate, groupsOf, loadTemplate, type TemplateRecord } from './templates.js';
import { validateValues } from './validate-values.js';

export function formOf(template: TemplateRecord): Form {
  return buildForm({ ref: template.ref, title: template.title, description: template.description, parameters: template.entity.spec?.parameters });
}

/** Values of password fields: secret although typed by the user, so redacted from logs. */
export function passwordValues(template: TemplateRecord, values: Values): string[] {
  return formOf(template)
    .pages.flatMap((p) => p.fields)
    .filter((f) => f.type === 'password')
    .map((f) => getPath(values, f.path))
    .filter((v): v is string => typeof v === 'string');
}

export type OpenedForm = { ok: true; template: TemplateRecord; form: Form } | { ok: false; message: string; suggestions?: TemplateRecord[] };

/** The form of a template named by ref, name or title, if this requester may run it. */
export async function openForm(db: Db, wanted: string, requester: Requester): Promise<OpenedForm> {
  const found = await findTemplate(db, wanted, requester);
  if (found.status === 'refused') return { ok: false, message: found.message };
  if (found.status === 'not-found') return { ok: false, message: `No template called "${wanted}".`, suggestions: found.suggestions };
  return { ok: true, template: found.template, form: formOf(found.template) };
}

export type Submitted = { ok: true; task: TaskRecord } | { ok: false; errors: FieldError[] };

export async function submitTask(
  db: Db,
  clock: Clock,
  submission: { templateRef: string; requester: Requester; values: Values; replyTo?: Record<string, unknown> },
): Promise<Submitted> {
  const template = await loadTemplate(db, submission.templateRef);
  if (!template) return { ok: false, errors: [{ field: '', message: `The template ${submission.templateRef} is not in the catalog.` }] };
  const access = accessTo(template, submission.requester, await groupsOf(db, submission.requester.userRef));
  if (!access.ok) return { ok: false, errors: [{ field: '', message: access.message }] };
  const form = formOf(template);
  const values = withoutInactive(form, submission.values);
  const errors = validateValues(form, values);
  if (errors.length > 0) return { ok: false, errors };
  const task = await createTask(
    db,
    { templateRef: template.ref, requester: submission.requester, values, replyTo: submission.replyTo, steps: stepsOf(template).map(({ id, name, action }) => ({ id, name, action })) },
    clock.now(),
  );
  return { ok: true, task };
}
