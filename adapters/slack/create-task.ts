/**
 * The last page of a Slack create modal was submitted: post the progress message (a direct message,
 * else the channel of the command), and create the task pointing at it
 * (the core records the task in the audit log).
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import type { Reply } from '../../src/reply/reply.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { Form } from '../../src/reply/form.js';
import type { Values } from '../../src/scaffolder/form-values.js';
import { submitTask } from '../../src/scaffolder/service.js';
import type { CreateState } from './render-form.js';
import { renderReply } from './render-reply.js';
import { taskMessage, type SlackTaskTarget } from './task-notifier.js';

export interface TaskStartDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  web: WebClient;
  worker?: { wake(): void };
}

export interface Who {
  userId: string;
  teamId?: string;
  name?: string;
}

/** Creates the task after its DM is posted, so the task knows which message to keep updating. */
export async function startTask(deps: TaskStartDeps, form: Form, state: CreateState, values: Values, who: Who, requester: Requester): Promise<void> {
  const { db, web, logger } = deps;
  let channel = state.c;
  try {
    const dm = await web.conversations.open({ users: who.userId });
    channel = dm.channel?.id ?? channel;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not open a direct message for task progress; using the channel of the command');
  }
  if (!channel) throw new Error('no conversation to report the task in');
  const waiting: Reply = { summary: `${form.title}: starting`, header: `${form.title} — starting`, sections: [{ text: ['Your request was accepted; the steps appear here as they run.'] }] };
  const posted = await web.chat.postMessage({ channel, ...renderReply(waiting) });
  const target: SlackTaskTarget = { platform: 'slack', channel: posted.channel ?? channel, ts: posted.ts!, title: form.title };
  const submitted = await submitTask(db, deps.clock, { templateRef: form.templateRef, requester, values, replyTo: { ...target } });
  if (!submitted.ok) {
    const text = submitted.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('\n');
    await web.chat.update({ channel: target.channel, ts: target.ts, ...renderReply({ summary: `${form.title}: not started`, header: `${form.title} — not started`, sections: [{ text: [text] }], isError: true }) });
    return;
  }
  logger.info({ task: submitted.task.id, template: form.templateRef, user: who.userId }, 'scaffolder task created from Slack');
  await web.chat.update({ channel: target.channel, ts: target.ts, ...taskMessage(submitted.task, form.title) });
  deps.worker?.wake();
}
