/**
 * How a requester hears about their task. Adapters implement TaskNotifier (update the Slack message,
 * the Teams card); the log and shell implementations here are for headless runs and the terminal.
 */
import type { Logger } from '../logger.js';
import type { TaskRecord } from './tasks.js';
import { taskSummaryText } from './task-reply.js';

export interface TaskNotifier {
  /** After every step. */
  progress(task: TaskRecord): Promise<void>;
  /** Once, when the task completed, failed, or was found interrupted after a restart. */
  finished(task: TaskRecord): Promise<void>;
}

export function logNotifier(logger: Logger): TaskNotifier {
  return {
    async progress(task) {
      const done = task.steps.filter((s) => s.status !== 'open' && s.status !== 'processing').length;
      logger.info({ task: task.id, template: task.templateRef, done, of: task.steps.length }, 'scaffolder task progress');
    },
    async finished(task) {
      const fields = { task: task.id, template: task.templateRef, status: task.status, requester: task.requester.userRef ?? task.requester.externalId };
      if (task.status === 'failed') logger.warn({ ...fields, error: task.error }, 'scaffolder task failed');
      else logger.info({ ...fields, outputs: task.outputs }, 'scaffolder task finished');
    },
  };
}

/** Prints progress lines for tasks the shell user started (others are not theirs to see). */
export function shellNotifier(write: (text: string) => void, isMine: (task: TaskRecord) => boolean = () => true): TaskNotifier {
  const shown = new Map<string, number>();
  return {
    async progress(task) {
      if (!isMine(task)) return;
      const from = shown.get(task.id) ?? 0;
      const finished = task.steps.filter((s) => s.status !== 'open' && s.status !== 'processing');
      for (const step of finished.slice(from)) write(`  ${step.status === 'failed' ? '✗' : step.status === 'skipped' ? '–' : '✓'} ${step.name}${step.status === 'skipped' ? ' (skipped)' : ''}`);
      shown.set(task.id, finished.length);
    },
    async finished(task) {
      if (!isMine(task)) return;
      shown.delete(task.id);
      write(taskSummaryText(task));
    },
  };
}

/** Several notifiers as one (e.g. the log and an adapter). */
export function allNotifiers(...notifiers: TaskNotifier[]): TaskNotifier {
  return {
    async progress(task) {
      for (const n of notifiers) await n.progress(task);
    },
    async finished(task) {
      for (const n of notifiers) await n.finished(task);
    },
  };
}
