/**
 * Renders a Reply as plain text for the terminal. Buttons that run a command are numbered and shown
 * as the command to type, so `1` (or the command itself) picks one.
 */
import { openableUrl, type Button, type Reply, type RichText, type Section } from '../../src/reply/reply.js';

function spanText(text: RichText | undefined): string {
  if (!text) return '';
  return text
    .map((span) => {
      if (typeof span === 'string') return span;
      switch (span.type) {
        case 'link': {
          // Only http(s) addresses are shown: terminals make them clickable too.
          const url = openableUrl(span.url);
          return !url || span.text === span.url || url === span.text ? span.text || url || '' : `${span.text} <${url}>`;
        }
        case 'user':
          return span.email ? `${span.name} <${span.email}>` : span.name;
        case 'channel':
          return span.name ? `#${span.name}` : span.slackId ?? span.teamsId ?? 'a channel';
        case 'code':
          return `\`${span.text}\``;
        case 'entity':
        case 'bold':
          return span.text;
      }
    })
    .join('');
}

/**
 * The line a button stands for in the shell: command buttons run their command, and feature actions
 * that have a shell equivalent (opening a template's form) become that command.
 */
function shellCommandOf(button: Button): string | undefined {
  const { action } = button;
  if (action.type === 'command') return action.command;
  if (action.type === 'action' && action.id === 'scaffolder.open' && action.value.template) return `create ${action.value.template}`;
  // Paging asks for a typed confirmation in the shell (page-flow.ts).
  if (action.type === 'action' && action.id === 'oncall.page' && action.value.ref) return `page ${action.value.ref}`;
  return undefined;
}

/** The command buttons of a reply in the order they are numbered. */
export function commandButtons(reply: Reply): string[] {
  const out: string[] = [];
  const take = (button: Button | undefined) => {
    const command = button && shellCommandOf(button);
    if (command) out.push(command);
  };
  for (const section of reply.sections) {
    for (const item of section.list ?? []) take(item.button);
    for (const button of section.buttons ?? []) take(button);
  }
  for (const button of reply.buttons ?? []) take(button);
  return out;
}

function renderButton(button: Button, number: () => number): string {
  const command = shellCommandOf(button);
  if (command) return `[${number()}] ${command}`;
  switch (button.action.type) {
    case 'command':
      return `[${number()}] ${button.action.command}`;
    case 'url': {
      const url = openableUrl(button.action.url);
      return url ? `${button.label}: ${url}` : button.label;
    }
    case 'action':
      return `${button.label} (available in Slack and Teams)`;
  }
}

export function renderReplyText(reply: Reply): string {
  let counter = 0;
  const next = () => ++counter;
  const lines: string[] = [];
  if (reply.header) lines.push(reply.header, '='.repeat(Math.min(reply.header.length, 72)));
  const renderSection = (section: Section) => {
    const out: string[] = [];
    if (section.title) out.push(section.title);
    const indent = section.title ? '  ' : '';
    if (section.text) out.push(`${indent}${spanText(section.text)}`);
    for (const field of section.fields ?? []) out.push(`${indent}${field.label}: ${spanText(field.value)}`);
    for (const item of section.list ?? []) {
      const button = item.button?.action.type === 'command' ? `   ${renderButton(item.button, next)}` : '';
      out.push(`${indent}- ${spanText(item.text)}${button}`);
      if (item.detail) out.push(`${indent}    ${spanText(item.detail)}`);
    }
    if (section.more) out.push(`${indent}… and ${section.more.count} more${section.more.command ? ` (type: ${section.more.command})` : ''}`);
    for (const button of section.buttons ?? []) out.push(`${indent}${renderButton(button, next)}`);
    return out;
  };
  reply.sections.forEach((section, i) => {
    const out = renderSection(section);
    if (!out.length) return;
    if (i > 0 || reply.header) lines.push('');
    lines.push(...out);
  });
  if (reply.context?.length) {
    lines.push('');
    for (const line of reply.context) lines.push(spanText(line));
  }
  if (reply.buttons?.length) {
    lines.push('');
    for (const button of reply.buttons) lines.push(renderButton(button, next));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
