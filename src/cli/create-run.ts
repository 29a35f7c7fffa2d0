/**
 * The work of `callsheet create` against an open runtime (this process's, or a server's for a
 * forwarded command): who it runs as (trust decides --as), the checks, the run or dry run, and the
 * printed steps and outputs. Exit 0 when it completed, 1 otherwise.
 */
import { renderReplyText } from '../../adapters/shell/render-text.js';
import type { FieldError } from '../reply/form.js';
import type { Requester } from '../reply/requester.js';
import { dryRunReply } from '../scaffolder/dry-run-reply.js';
import { previewTask } from '../scaffolder/preview.js';
import { submitTask } from '../scaffolder/service.js';
import { getTask, type StepRecord, type TaskOutputs } from '../scaffolder/tasks.js';
import { findTemplate } from '../scaffolder/templates.js';
import { actAs } from '../trust/acting.js';
import type { CliIo } from './io.js';
import type { Runtime } from './runtime.js';

export interface CreateArgs {
  template: string;
  values: Record<string, unknown>;
  dryRun: boolean;
  as?: string;
}

const ICON: Record<StepRecord['status'], string> = { open: '○', processing: '…', completed: '✓', skipped: '–', failed: '✗' };

export interface Driver {
  /** Moves work along: runs a task here (standalone) or wakes the server's worker (forwarded). */
  drive(): Promise<void>;
  pollMs?: number;
}

const errorLines = (errors: FieldError[]) => errors.map((e) => (e.field ? `  ${e.field}: ${e.message}` : `  ${e.message}`)).join('\n');

function printStep(io: Pick<CliIo, 'out'>, step: StepRecord) {
  io.out(`${ICON[step.status]} ${step.name} (${step.action})${step.status === 'skipped' ? ' — skipped' : ''}`);
  for (const line of step.log) io.out(`    ${line}`);
  if (step.error) io.out(`    error: ${step.error}`);
}

function printOutputs(io: Pick<CliIo, 'out'>, outputs: TaskOutputs | null) {
  if (!outputs) return;
  const links = (outputs.links ?? []).filter((l) => l.url || l.entityRef);
  const texts = (outputs.text ?? []).filter((t) => t.content);
  if (!links.length && !texts.length) return;
  io.out('Outputs:');
  for (const l of links) io.out(`  ${l.title ?? 'Link'}: ${l.url ?? l.entityRef}`);
  for (const t of texts) io.out(`  ${t.title ?? 'Text'}: ${t.content}`);
}

export async function runCreate(args: CreateArgs, io: Pick<CliIo, 'out' | 'err'>, runtime: Pick<Runtime, 'sync' | 'localRequester' | 'database' | 'clock' | 'runner'>, driver: Driver, who?: string): Promise<number> {
  const db = runtime.database.db;
  if (!(await runtime.sync.hasSynced())) {
    io.err('The catalog was never synced here: syncing first...');
    for (const report of await runtime.sync.syncAll()) if (report.status === 'failed') io.err(`${report.sourceId}: ${report.error ?? 'failed'}`);
  }
  let requester: Requester = await runtime.localRequester('cli', who);
  if (args.as) {
    const acting = await actAs(db, requester, args.as);
    if (!acting.ok) {
      io.err(acting.reason);
      return 1;
    }
    requester = acting.requester;
  }
  const found = await findTemplate(db, args.template, requester);
  if (found.status !== 'ok') {
    io.err(found.status === 'refused' ? found.message : `No template called "${args.template}".${found.suggestions.length ? ` Did you mean: ${found.suggestions.map((t) => t.name).join(', ')}?` : ''}`);
    return 1;
  }
  const template = found.template;
  const submission = { templateRef: template.ref, requester, values: args.values };
  if (args.dryRun) {
    const previewed = await previewTask({ db, clock: runtime.clock, runner: runtime.runner }, submission);
    if (!previewed.ok) {
      io.err(`The values were not accepted:\n${errorLines(previewed.errors)}`);
      return 1;
    }
    io.out(renderReplyText(dryRunReply(template.title, previewed.result)));
    return previewed.result.status === 'completed' ? 0 : 1;
  }
  const submitted = await submitTask(db, runtime.clock, { ...submission, replyTo: { platform: 'cli' } });
  if (!submitted.ok) {
    io.err(`The values were not accepted:\n${errorLines(submitted.errors)}`);
    return 1;
  }
  io.out(`${template.title}: task ${submitted.task.id}`);
  const printed = new Set<string>();
  for (;;) {
    await driver.drive();
    const task = await getTask(db, submitted.task.id);
    if (!task) {
      io.err(`Task ${submitted.task.id} disappeared.`);
      return 1;
    }
    for (const step of task.steps) {
      if (printed.has(step.id) || step.status === 'open' || step.status === 'processing') continue;
      printed.add(step.id);
      printStep(io, step);
    }
    if (task.status === 'completed' || task.status === 'failed') {
      if (task.error) io.err(task.error);
      printOutputs(io, task.outputs);
      io.out(task.status === 'completed' ? 'Completed.' : 'Failed.');
      return task.status === 'completed' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, driver.pollMs ?? 200));
  }
}
