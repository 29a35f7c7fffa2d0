/**
 * Scaffolder progress in Teams: the card posted when the task was submitted is replaced after every
 * step and at the end (with the result links). Where it is lives in the task row (`reply_to`), so the
 * replica that runs the task need not be the one that took the submission.
 */
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import { taskReply } from '../../src/scaffolder/task-reply.js';
import type { TaskRecord } from '../../src/scaffolder/tasks.js';
import type { StoredReference } from './conversations.js';
import type { TeamsAdapter } from './index.js';

/** `scaffolder_tasks.reply_to` of a task created from Teams. */
export interface TeamsReplyTo {
  platform: 'teams';
  reference: StoredReference;
  activityId: string;
  templateTitle: string;
}

export function teamsReplyTo(task: Pick<TaskRecord, 'replyTo' | 'templateRef'>): TeamsReplyTo | undefined {
  const to = task.replyTo as Partial<TeamsReplyTo> | null;
  if (to?.platform !== 'teams' || typeof to.activityId !== 'string' || !to.reference?.conversation?.id || !to.reference.serviceUrl) return undefined;
  return { platform: 'teams', reference: to.reference, activityId: to.activityId, templateTitle: typeof to.templateTitle === 'string' ? to.templateTitle : task.templateRef };
}

export function teamsTaskNotifier(adapter: Pick<TeamsAdapter, 'updateProactive'>): TaskNotifier {
  const update = async (task: TaskRecord) => {
    const to = teamsReplyTo(task);
    if (!to) return;
    await adapter.updateProactive(to.reference, to.activityId, taskReply(task, to.templateTitle));
  };
  return { progress: update, finished: update };
}
