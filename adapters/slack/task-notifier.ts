/**
 * Scaffolder progress in Slack: the message posted when a task was created from a modal is updated
 * with `chat.update` after each step and when the task ends, finishing with the output links.
 * Tasks started elsewhere (shell, Teams) are not this notifier's to report.
 */
import type { WebClient } from '@slack/web-api';
import type { Reply, RichText, Section } from '../../src/reply/reply.js';
import type { Logger } from '../../src/logger.js';
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import { taskReply } from '../../src/scaffolder/task-reply.js';
import type { TaskRecord } from '../../src/scaffolder/tasks.js';
import { safeUrl } from './mrkdwn.js';
import { renderReply, type SlackMessage } from './render-reply.js';

/** Where a task created in Slack reports (stored as the task's `replyTo`). */
export interface SlackTaskTarget {
  platform: 'slack';
  channel: string;
  ts: string;
  title: string;
}

export function slackTargetOf(task: TaskRecord): SlackTaskTarget | undefined {
  const r = task.replyTo;
  if (!r || r.platform !== 'slack' || typeof r.channel !== 'string' || typeof r.ts !== 'string') return undefined;
  return { platform: 'slack', channel: r.channel, ts: r.ts, title: typeof r.title === 'string' ? r.title : task.templateRef };
}

/**
 * Result links as Slack can show them: a link Slack cannot open (a `file://` repository hosted by
 * Callsheet) is shown as its address in code, and a catalog entity gets a button that answers for it.
 */
function slackResult(section: Section): Section {
  if (section.title !== 'Result') return section;
  return {
    ...section,
    list: (section.list ?? []).map((item) => {
      const text: RichText = item.text.flatMap((span) =>
        typeof span !== 'string' && span.type === 'link' && !safeUrl(span.url) ? [`${span.text}: `, { type: 'code' as const, text: span.url }] : [span],
      );
      const entity = item.text.find((span) => typeof span !== 'string' && span.type === 'entity');
      const ref = entity && typeof entity !== 'string' && entity.type === 'entity' ? entity.ref : undefined;
      return { ...item, text, ...(ref ? { button: { label: 'Show in catalog', action: { type: 'command' as const, command: `owner ${ref}` } } } : {}) };
    }),
  };
}

export function taskMessage(task: TaskRecord, title: string): SlackMessage {
  const reply: Reply = taskReply(task, title);
  return renderReply({ ...reply, sections: reply.sections.map(slackResult) });
}

export function slackTaskNotifier(deps: { web: WebClient; logger: Logger }): TaskNotifier {
  async function update(task: TaskRecord): Promise<void> {
    const target = slackTargetOf(task);
    if (!target) return;
    try {
      await deps.web.chat.update({ channel: target.channel, ts: target.ts, ...taskMessage(task, target.title) });
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, task: task.id }, 'could not update the Slack progress message of a task');
    }
  }
  return { progress: update, finished: update };
}
