import { plain, type Reply } from '../reply/reply.js';

/** A Reply as plain text lines (logs, `--dry-run`), buttons shown as [labels]. */
export function replyText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.header) lines.push(reply.header);
  for (const section of reply.sections) {
    if (section.title) lines.push('', section.title);
    if (section.text) lines.push(`  ${plain(section.text)}`);
    for (const item of section.list ?? []) lines.push(`  - ${plain(item.text)}`);
    if (section.buttons?.length) lines.push(`    ${section.buttons.map((b) => `[${b.label}]`).join(' ')}`);
    if (section.more?.command) lines.push(`  (run: ${section.more.command})`);
  }
  for (const line of reply.context ?? []) lines.push('', plain(line));
  return lines.join('\n');
}
