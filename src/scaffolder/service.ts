/**
 * What adapters call: open a template's form for a requester (with the refusals), and submit values
 * (validated on the server, exactly as the form's schemas say) to create a task for the workers.
 */
import { recordAudit } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Requester } from '../reply/requester.js';
import { buildForm } from './form.js';
import type { Field, FieldError, Form } from '../reply/form.js';
import { getPath, setPath, withoutInactive, type Values } from './form-values.js';
import { refusalOf } from './preflight.js';
import { stepsOf } from './runner.js';
import { createTask, type TaskRecord, type TaskSecret } from './tasks.js';
import { accessTo, findTemplate, groupsOf, loadTemplate, type TemplateRecord } from './templates.js';
import { validateValues } from './validate-values.js';

/** `codeHosts`: hosts a RepoUrlPicker without `allowedHosts` offers (GitHub's, and GitLab's when configured). */
export function formOf(template: TemplateRecord, codeHosts?: readonly string[]): Form {
  const form = buildForm({ ref: template.ref, title: template.title, description: template.description, parameters: template.entity.spec?.parameters });
  if (!codeHosts?.length) return form;
  const offer = (f: Field): Field => (f.type === 'repoUrl' && !f.allowedHosts.length ? { ...f, offeredHosts: [...codeHosts] } : f);
  return { ...form, pages: form.pages.map((p) => ({ ...p, fields: p.fields.map(offer) })) };
}

/**
 * The values of a form's password fields, taken out of its values: they are stored apart and
 * forgotten when the task ends, and redacted from everything the task logs or outputs.
 */
export function splitSecrets(form: Form, values: Values): { values: Values; secrets: TaskSecret[] } {
  let rest = values;
  const secrets: TaskSecret[] = [];
  for (const field of form.pages.flatMap((p) => p.fields)) {
    if (field.type !== 'password') continue;
    const value = getPath(values, field.path);
    if (value === undefined) continue;
    secrets.push({ path: field.path, value });
    rest = setPath(rest, field.path, undefined);
  }
  return { values: rest, secrets };
}

/** A form's answers as they may be recorded (audit log): password fields left out, their values listed to scrub. */
export function auditableValues(form: Form, values: Values): { values: Values; secrets: string[] } {
  const split = splitSecrets(form, values);
  return { values: split.values, secrets: secretStrings(split.secrets) };
}

/** The values a task runs with: its stored values and its secrets put back. */
export function withSecrets(values: Values, secrets: readonly TaskSecret[] | null): Values {
  let out = values;
  for (const secret of secrets ?? []) out = setPath(out, secret.path, secret.value);
  return out;
}

/** Strings to redact from a task's logs and outputs. */
export function secretStrings(secrets: readonly TaskSecret[] | null): string[] {
  return (secrets ?? []).flatMap((s) => (typeof s.value === 'string' ? [s.value] : s.value === undefined || s.value === null ? [] : [JSON.stringify(s.value)]));
}

export type OpenedForm = { ok: true; template: TemplateRecord; form: Form } | { ok: false; message: string; suggestions?: TemplateRecord[] };

/** The form of a template named by ref, name or title, if this requester may run it. */
export async function openForm(db: Db, wanted: string, requester: Requester, codeHosts?: readonly string[]): Promise<OpenedForm> {
  const found = await findTemplate(db, wanted, requester);
  if (found.status === 'refused') return { ok: false, message: found.message };
  if (found.status === 'not-found') return { ok: false, message: `No template called "${wanted}".`, suggestions: found.suggestions };
  // A template needing an action or field Callsheet lacks is refused before its form (preflight.ts).
  const refusal = refusalOf(found.template);
  if (refusal) return { ok: false, message: refusal };
  return { ok: true, template: found.template, form: formOf(found.template, codeHosts) };
}

export type Submitted = { ok: true; task: TaskRecord } | { ok: false; errors: FieldError[] };

type Submission = { templateRef: string; requester: Requester; values: Values; replyTo?: Record<string, unknown> };

/**
 * Creates a task from submitted values (from any face) and records the attempt in the audit log:
 * the template, who, the answers without their password fields, and how it ended.
 */
export async function submitTask(db: Db, clock: Clock, submission: Submission): Promise<Submitted> {
  const { result, form, refused } = await submit(db, clock, submission);
  const split = form ? splitSecrets(form, submission.values) : { values: {}, secrets: [] };
  const { requester } = submission;
  await recordAudit(db, {
    at: clock.now(),
    platform: requester.platform,
    actor: requester.externalId ?? requester.displayName ?? 'unknown',
    actorRef: requester.userRef,
    action: 'task.create',
    target: submission.templateRef,
    outcome: result.ok ? 'ok' : refused ? 'refused' : 'error',
    details: result.ok ? { task: result.task.id, values: split.values } : { values: split.values, errors: result.errors },
    secrets: secretStrings(split.secrets),
  });
  return result;
}

export type Checked = { ok: true; template: TemplateRecord; form: Form; values: Values } | { ok: false; errors: FieldError[]; form?: Form; refused?: boolean };

/** The checks every submission passes, run or preview: the template exists, this requester may run it, the values fit its form. */
export async function checkSubmission(db: Db, submission: Pick<Submission, 'templateRef' | 'requester' | 'values'>): Promise<Checked> {
  const template = await loadTemplate(db, submission.templateRef);
  if (!template) return { ok: false, errors: [{ field: '', message: `The template ${submission.templateRef} is not in the catalog.` }] };
  const access = accessTo(template, submission.requester, await groupsOf(db, submission.requester.userRef));
  if (!access.ok) return { ok: false, errors: [{ field: '', message: access.message }], refused: true };
  const form = formOf(template);
  const values = withoutInactive(form, submission.values);
  // With the answers known, a conditional step that would run must have its action here too.
  const refusal = refusalOf(template, values);
  if (refusal) return { ok: false, errors: [{ field: '', message: refusal }], refused: true };
  const errors = validateValues(form, values);
  if (errors.length > 0) return { ok: false, errors, form };
  return { ok: true, template, form, values };
}

async function submit(db: Db, clock: Clock, submission: Submission): Promise<{ result: Submitted; form?: Form; refused?: boolean }> {
  const checked = await checkSubmission(db, submission);
  if (!checked.ok) return { result: { ok: false, errors: checked.errors }, form: checked.form, refused: checked.refused };
  const { template, form, values } = checked;
  const split = splitSecrets(form, values);
  const task = await createTask(
    db,
    {
      templateRef: template.ref,
      requester: submission.requester,
      values: split.values,
      secrets: split.secrets,
      replyTo: submission.replyTo,
      steps: stepsOf(template).map(({ id, name, action }) => ({ id, name, action })),
    },
    clock.now(),
  );
  return { result: { ok: true, task }, form };
}
