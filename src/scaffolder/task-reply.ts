/** A task's progress and result as a neutral Reply (adapters render and update it) or plain text. */
import { plain, type Reply, type RichText } from '../reply/reply.js';
import type { StepRecord, TaskRecord } from './tasks.js';

const ICON: Record<StepRecord['status'], string> = { open: '○', processing: '…', completed: '✓', skipped: '–', failed: '✗' };

export function taskReply(task: TaskRecord, templateTitle = task.templateRef): Reply {
  const state = task.status === 'completed' ? 'done' : task.status === 'failed' ? 'failed' : task.status === 'open' ? 'waiting to start' : 'running';
  const links = (task.outputs?.links ?? []).filter((l) => l.url || l.entityRef);
  const linkSpans: RichText[] = links.map((l) =>
    l.url ? [{ type: 'link', text: l.title ?? l.url, url: l.url }] : [`${l.title ?? 'Entity'}: `, { type: 'entity', ref: l.entityRef!, text: l.entityRef! }],
  );
  const reply: Reply = {
    summary: `${templateTitle}: ${state}${task.error ? ` — ${task.error}` : ''}`,
    header: `${templateTitle} — ${state}`,
    sections: [
      {
        list: task.steps.map((s) => ({
          text: [`${ICON[s.status]} ${s.name}${s.status === 'skipped' ? ' (skipped)' : ''}`],
          ...(s.error ? { detail: [s.error] } : {}),
        })),
      },
      ...(task.error ? [{ text: [task.error] }] : []),
      ...(linkSpans.length > 0 ? [{ title: 'Result', list: linkSpans.map((text) => ({ text })) }] : []),
      ...(task.outputs?.text ?? []).filter((t) => t.content).map((t) => ({ title: t.title, text: [t.content!] })),
    ],
    context: [[`Task ${task.id}`]],
    ...(task.status === 'failed' ? { isError: true } : {}),
  };
  return reply;
}

export function taskSummaryText(task: TaskRecord): string {
  const reply = taskReply(task);
  const lines = [reply.header ?? reply.summary];
  for (const section of reply.sections) {
    if (section.title) lines.push(`${section.title}:`);
    if (section.text) lines.push(`  ${plain(section.text)}`);
    for (const item of section.list ?? []) {
      const text = section.title === 'Result' ? plainWithUrl(item.text) : plain(item.text);
      lines.push(`  ${text}${item.detail ? ` — ${plain(item.detail)}` : ''}`);
    }
  }
  return lines.join('\n');
}

function plainWithUrl(text: RichText): string {
  return text.map((s) => (typeof s !== 'string' && s.type === 'link' ? `${s.text}: ${s.url}` : plain([s]))).join('');
}
