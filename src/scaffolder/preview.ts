/**
 * A dry run asked for by a person (Preview button, `create --dry-run`): the same checks as creating
 * a task (template, who may run it, values against the form), then a dry run in a temporary folder.
 * Nothing is published and no task row is made; the attempt is in the audit log as `task.dry-run`.
 */
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import type { FieldError } from '../reply/form.js';
import type { Requester } from '../reply/requester.js';
import { dryRunTemplate, type DryRunResult } from './dry-run.js';
import type { Values } from './form-values.js';
import type { RunnerDeps } from './runner.js';
import { checkSubmission, secretStrings, splitSecrets } from './service.js';
import { localTemplateDir, locateWith, type LocatedTemplate, type TemplateLocator, type TemplateRecord } from './templates.js';

export interface PreviewDeps {
  db: Db;
  clock: Clock;
  runner: RunnerDeps;
  locateTemplate?: TemplateLocator;
}

export type Previewed = { ok: true; template: TemplateRecord; result: DryRunResult } | { ok: false; errors: FieldError[] };

/** A preview of what creating from `templateRef` with `values` would do, for this requester. */
export async function previewTask(deps: PreviewDeps, submission: { templateRef: string; requester: Requester; values: Values }): Promise<Previewed> {
  const { db, clock } = deps;
  const checked = await checkSubmission(db, submission);
  const split = checked.form ? splitSecrets(checked.form, submission.values) : { values: {}, secrets: [] };
  const audit = (outcome: 'ok' | 'error' | 'refused', details: Record<string, unknown>) =>
    recordAudit(db, {
      at: clock.now(),
      platform: submission.requester.platform,
      actor: submission.requester.externalId ?? submission.requester.displayName ?? 'unknown',
      actorRef: submission.requester.userRef,
      action: 'task.dry-run',
      target: submission.templateRef,
      outcome,
      details: { values: split.values, ...details },
      secrets: secretStrings(split.secrets),
    });
  if (!checked.ok) {
    await audit(checked.refused ? 'refused' : 'error', { errors: checked.errors });
    return { ok: false, errors: checked.errors };
  }
  const { template, values } = checked;
  let located: LocatedTemplate;
  try {
    located = await locateWith(deps.locateTemplate ?? deps.runner.locateTemplate ?? localTemplateDir, template);
  } catch (error) {
    const errors = [{ field: '', message: error instanceof Error ? error.message : String(error) }];
    await audit('error', { errors });
    return { ok: false, errors };
  }
  const userRef = submission.requester.userRef;
  const [user] = userRef ? await db.select({ entity: entities.entity }).from(entities).where(eq(entities.ref, userRef.toLowerCase())) : [];
  const result = await dryRunTemplate(
    {
      template,
      templateDir: located.dir,
      values,
      user: { ...(user ? { entity: user.entity } : {}), ...(userRef ? { ref: userRef } : {}) },
      secretValues: secretStrings(splitSecrets(checked.form, values).secrets),
    },
    deps.runner,
  ).finally(() => located.release());
  await audit(result.status === 'completed' ? 'ok' : 'error', { status: result.status, files: result.files.length, skipped: result.skipped.map((s) => s.id) });
  return { ok: true, template, result };
}
