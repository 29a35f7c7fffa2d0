/**
 * Runs one task's steps the way Backstage's NunjucksWorkflowRunner does: render `if`/`each`/`input`
 * against the context, validate the input with the action's schema, run it in the task's own
 * temporary folder, collect outputs, report after every step, render `spec.output` at the end.
 * The folder is removed afterwards, whatever happened.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZodError } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ActionRegistry } from './actions/types.js';
import { createRedactor, type Redactor } from './redact.js';
import { isTruthy, renderValue, type TemplateContext } from './render.js';
import type { StepRecord, TaskOutputs } from './tasks.js';
import type { TemplateLocator, TemplateRecord } from './templates.js';
import { placeholderOutput } from './dry-run-placeholders.js';
import { createWorkspace, DEFAULT_WORKSPACE_LIMITS, type Workspace, type WorkspaceLimits } from './workspace.js';

export interface TemplateStep {
  id: string;
  name: string;
  action: string;
  input?: unknown;
  if?: unknown;
  each?: unknown;
}

export interface RunnerDeps {
  actions: ActionRegistry;
  clock: Clock;
  logger: Logger;
  /** Server-side secrets (tokens) given to actions; redacted from every log line and record. */
  secrets?: Record<string, string>;
  limits?: WorkspaceLimits;
  /** Where task folders are made (default: the OS temp folder). */
  workDir?: string;
  /** Where a template's files are read from (default: local folder sources only; template-locator.ts reads Git sources). */
  locateTemplate?: TemplateLocator;
}

export interface RunInput {
  taskId: string;
  template: TemplateRecord;
  templateDir: string;
  values: Record<string, unknown>;
  user: { entity?: unknown; ref?: string };
  /** Values that are secret though typed by the user (password fields): redacted like tokens. */
  secretValues?: string[];
  /** Called after every step with the whole step list. */
  report(steps: StepRecord[]): Promise<void>;
  /** Dry run (dry-run.ts): actions without `supportsDryRun` are skipped, the others get `isDryRun`. */
  dryRun?: boolean;
  /** Looks at the workspace once the steps have ended (before it is removed). */
  inspect?(workspace: Workspace): Promise<void>;
}

export type RunResult = { status: 'completed'; steps: StepRecord[]; outputs: TaskOutputs } | { status: 'failed'; steps: StepRecord[]; error: string };

const MAX_LOG_LINES = 200;
const MAX_LINE = 4000;

/** Steps as Backstage normalises them: missing ids become `step-<n>`, missing names the action id. */
export function stepsOf(template: TemplateRecord): TemplateStep[] {
  const steps = Array.isArray(template.entity.spec?.steps) ? (template.entity.spec!.steps as Record<string, unknown>[]) : [];
  return steps.map((step, i) => ({
    ...step,
    id: typeof step.id === 'string' ? step.id : `step-${i + 1}`,
    name: typeof step.name === 'string' ? step.name : String(step.action),
    action: String(step.action),
  }));
}

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'issues' in error) {
    return (error as ZodError).issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

export async function runTask(input: RunInput, deps: RunnerDeps): Promise<RunResult> {
  const redact: Redactor = createRedactor([...Object.values(deps.secrets ?? {}), ...(input.secretValues ?? [])]);
  const now = () => deps.clock.now().toISOString();
  const templateSteps = stepsOf(input.template);
  const steps: StepRecord[] = templateSteps.map((s) => ({ id: s.id, name: s.name, action: s.action, status: 'open', log: [] }));
  const workDir = deps.workDir ?? tmpdir();
  await mkdir(workDir, { recursive: true });
  const folder = await mkdtemp(join(workDir, 'callsheet-task-'));
  const context: TemplateContext = {
    parameters: input.values,
    steps: {},
    user: input.user,
    context: { task: { id: input.taskId } },
  };
  try {
    const root = join(folder, 'workspace');
    await mkdir(root);
    const workspace = createWorkspace(root, deps.limits ?? DEFAULT_WORKSPACE_LIMITS);
    for (const [index, step] of templateSteps.entries()) {
      const record = steps[index];
      const log = (level: 'info' | 'warn', message: string) => {
        if (record.log.length >= MAX_LOG_LINES) return;
        const line = redact(`${level === 'warn' ? 'warning: ' : ''}${message}`).slice(0, MAX_LINE);
        record.log.push(record.log.length === MAX_LOG_LINES - 1 ? '(further log lines left out)' : line);
      };
      record.status = 'processing';
      record.startedAt = now();
      try {
        const skip = step.if === false || (typeof step.if === 'string' && step.each === undefined && !isTruthy(renderValue(step.if, context)));
        if (skip) {
          record.status = 'skipped';
          log('info', `Skipped: its if condition was false`);
          continue;
        }
        const action = deps.actions.get(step.action);
        if (!action) throw new Error(`Template action with ID '${step.action}' is not registered.`);
        const each = step.each === undefined ? undefined : renderValue(step.each, context);
        if (step.each !== undefined && !each) throw new Error(`Invalid value on action ${action.id}.each parameter, "${String(step.each)}" cannot be resolved to a value`);
        const iterations = (each ? Object.entries(each as object).map(([key, value]) => ({ each: { key, value } })) : [{}]).map((i: { each?: { key: string; value: unknown } }) => {
          const full: TemplateContext = { ...context, ...i };
          const shouldRun = !i.each || step.if === undefined || isTruthy(renderValue(step.if, full));
          return { ...i, shouldRun, raw: step.input === undefined ? {} : renderValue(step.input, full) ?? {} };
        });
        // As Backstage: rendered, not run; its outputs become placeholders for the steps after it.
        if (input.dryRun && !action.supportsDryRun) {
          log('info', `Skipped in this dry run: ${action.id} does not support dry run. Input: ${JSON.stringify(iterations.map((it) => it.raw)).slice(0, 1000)}`);
          context.steps[step.id] = { output: placeholderOutput(step.id) };
          record.status = 'skipped';
          continue;
        }
        const parsed = iterations.map((it) => {
          if (!it.shouldRun) return { ...it, input: undefined };
          const result = action.schema.safeParse(it.raw);
          if (!result.success) throw new Error(`Invalid input passed to action ${action.id}${it.each ? `[${it.each.key}]` : ''}: ${messageOf(result.error)}`);
          return { ...it, input: result.data };
        });
        const output: Record<string, unknown> = {};
        for (const it of parsed) {
          if (!it.shouldRun) {
            log('info', `Skipping each ${it.each?.key}`);
            continue;
          }
          if (it.each) log('info', `Running each ${it.each.key}`);
          await action.handler({
            input: it.input,
            workspace,
            templateDir: input.templateDir,
            templateRef: input.template.ref,
            logger: { info: (m) => log('info', m), warn: (m) => log('warn', m) },
            output(name, value) {
              if (step.each !== undefined) ((output[name] ??= []) as unknown[]).push(value);
              else output[name] = value;
            },
            user: input.user,
            task: { id: input.taskId },
            secrets: deps.secrets ?? {},
            isDryRun: input.dryRun === true,
          });
        }
        context.steps[step.id] = { output };
        record.status = 'completed';
      } catch (error) {
        record.status = 'failed';
        record.error = redact(messageOf(error)).slice(0, MAX_LINE);
        record.finishedAt = now();
        await input.report(steps);
        await input.inspect?.(workspace);
        return { status: 'failed', steps, error: `Step "${step.name}" failed: ${record.error}` };
      } finally {
        if (record.status !== 'failed') {
          record.finishedAt = now();
          await input.report(steps);
        }
      }
    }
    await input.inspect?.(workspace);
    let outputs: TaskOutputs;
    try {
      outputs = redact((renderValue(input.template.entity.spec?.output ?? {}, context) ?? {}) as TaskOutputs);
    } catch (error) {
      return { status: 'failed', steps, error: redact(`The template's output could not be rendered: ${messageOf(error)}`) };
    }
    return { status: 'completed', steps, outputs };
  } finally {
    await rm(folder, { recursive: true, force: true }).catch((error) => deps.logger.warn({ err: error, folder }, 'could not remove a task folder'));
  }
}
