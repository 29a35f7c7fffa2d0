/**
 * Core `Reply` -> Block Kit. Every limit Slack enforces is respected here (blocks per message, text
 * and field lengths, fields per section, elements per actions block, button text), so a large or
 * odd answer is shortened, never rejected.
 */
import type { types } from '@slack/bolt';
import { plain, type Button, type ListItem, type Reply, type RichText, type Section } from '../../src/reply/reply.js';
import { clip, mrkdwnOf, safeUrl, toMrkdwn, type MentionMap } from './mrkdwn.js';

type KnownBlock = types.KnownBlock;
type SlackButton = types.Button;

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  text: 3000,
  field: 2000,
  fieldsPerSection: 10,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionsElements: 25,
  contextElements: 10,
  actionId: 255,
} as const;

/** action_id prefixes; a suffix keeps ids unique within one message. */
export const ACTION = {
  run: 'callsheet.run',
  share: 'callsheet.share',
  link: 'callsheet.link',
  feature: 'callsheet.action',
} as const;

export interface RenderOptions {
  mentions?: MentionMap;
  /** The command line behind the reply: adds a "Share in channel" button. */
  shareLine?: string;
  /** LIMITS.messageBlocks for messages, LIMITS.viewBlocks for App Home and modals. */
  maxBlocks?: number;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** A block and how many list items it shows (to say how many were left out when cut). */
interface Piece {
  block: KnownBlock;
  items: number;
}

function plainText(text: string, max: number) {
  return { type: 'plain_text' as const, text: clip(text.trim() || ' ', max), emoji: true };
}

function mrkdwnText(text: string) {
  return { type: 'mrkdwn' as const, text: text || ' ' };
}

export class ButtonFactory {
  private n = 0;

  make(button: Button): SlackButton | undefined {
    const n = this.n++;
    const base = {
      type: 'button' as const,
      text: plainText(button.label || 'Open', LIMITS.buttonText),
      ...(button.style ? { style: button.style } : {}),
      // Slack asks in its own dialog; the click arrives only after "confirm".
      ...(button.confirm
        ? {
            confirm: {
              title: plainText(button.confirm.title, 100),
              text: plainText(button.confirm.text, 300),
              confirm: plainText(button.confirm.confirm, 30),
              deny: plainText(button.confirm.deny, 30),
              ...(button.style === 'danger' ? { style: 'danger' as const } : {}),
            },
          }
        : {}),
    };
    const action = button.action;
    switch (action.type) {
      case 'command':
        if (!action.command.trim() || action.command.length > LIMITS.buttonValue) return undefined;
        return { ...base, action_id: `${ACTION.run}:${n}`, value: action.command };
      case 'url': {
        const url = safeUrl(action.url);
        if (!url || url.length > LIMITS.url) return undefined;
        return { ...base, action_id: `${ACTION.link}:${n}`, url };
      }
      case 'action': {
        const value = JSON.stringify(action.value);
        const actionId = `${ACTION.feature}:${action.id}:${n}`;
        if (value.length > LIMITS.buttonValue || actionId.length > LIMITS.actionId) return undefined;
        return { ...base, action_id: actionId, value };
      }
    }
  }

  share(line: string): SlackButton {
    return { type: 'button', action_id: ACTION.share, text: plainText('Share in channel', LIMITS.buttonText), value: line.slice(0, LIMITS.buttonValue) };
  }
}

function actionsBlocks(elements: SlackButton[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) out.push({ type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) });
  return out;
}

function contextBlock(lines: string[]): KnownBlock {
  return { type: 'context', elements: lines.slice(0, LIMITS.contextElements).map((l) => mrkdwnText(l)) };
}

function itemLine(item: ListItem, mentions: MentionMap, max: number): string {
  const head = toMrkdwn(item.text, max, mentions);
  if (!item.detail?.length) return head;
  const detail = toMrkdwn(item.detail, Math.max(0, max - head.length - 1), mentions);
  return detail ? `${head}\n${detail}` : head;
}

function listPieces(section: Section, mentions: MentionMap, buttons: ButtonFactory): Piece[] {
  const pieces: Piece[] = [];
  let buffer: string[] = [];
  let bufferItems = 0;
  const flush = () => {
    if (buffer.length) pieces.push({ block: { type: 'section', text: mrkdwnText(buffer.join('\n')) }, items: bufferItems });
    buffer = [];
    bufferItems = 0;
  };
  for (const item of section.list ?? []) {
    const accessory = item.button ? buttons.make(item.button) : undefined;
    if (accessory) {
      flush();
      pieces.push({ block: { type: 'section', text: mrkdwnText(itemLine(item, mentions, LIMITS.text)), accessory }, items: 1 });
      continue;
    }
    const line = `• ${itemLine(item, mentions, LIMITS.text - 2)}`;
    if (buffer.join('\n').length + line.length + 1 > LIMITS.text) flush();
    buffer.push(line);
    bufferItems++;
  }
  flush();
  return pieces;
}

function sectionPieces(section: Section, mentions: MentionMap, buttons: ButtonFactory): Piece[] {
  const pieces: Piece[] = [];
  const text = (rich: RichText) => toMrkdwn(rich, LIMITS.text, mentions);
  if (section.title) pieces.push({ block: { type: 'section', text: mrkdwnText(text([{ type: 'bold', text: section.title }])) }, items: 0 });
  if (section.text?.length) pieces.push({ block: { type: 'section', text: mrkdwnText(text(section.text)) }, items: 0 });
  const fields = section.fields ?? [];
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    const chunk = fields.slice(i, i + LIMITS.fieldsPerSection).map((f) => {
      const label = toMrkdwn([{ type: 'bold', text: f.label }], 200, mentions);
      return mrkdwnText(`${label}\n${toMrkdwn(f.value, LIMITS.field - label.length - 1, mentions) || '—'}`);
    });
    pieces.push({ block: { type: 'section', fields: chunk }, items: 0 });
  }
  pieces.push(...listPieces(section, mentions, buttons));
  if (section.more && section.more.count > 0) {
    pieces.push({ block: contextBlock([`…and ${section.more.count} more`]), items: 0 });
    const more = section.more.command ? buttons.make({ label: 'Show all', action: { type: 'command', command: section.more.command } }) : undefined;
    if (more) pieces.push({ block: { type: 'actions', elements: [more] }, items: 0 });
  }
  const own = (section.buttons ?? []).map((b) => buttons.make(b)).filter((b): b is SlackButton => !!b);
  pieces.push(...actionsBlocks(own).map((block) => ({ block, items: 0 })));
  return pieces;
}

/** Blocks of a reply, without the message envelope (also used inside App Home and modals). */
export function replyBlocks(reply: Reply, options: RenderOptions = {}): KnownBlock[] {
  const mentions = options.mentions ?? new Map();
  const maxBlocks = options.maxBlocks ?? LIMITS.messageBlocks;
  const buttons = new ButtonFactory();

  const head: KnownBlock[] = reply.header ? [{ type: 'header', text: plainText(reply.header, LIMITS.header) }] : [];
  const body = reply.sections.flatMap((s) => sectionPieces(s, mentions, buttons));

  const tail: KnownBlock[] = [];
  const contextLines = (reply.context ?? []).map((line) => toMrkdwn(line, LIMITS.text, mentions)).filter(Boolean);
  if (contextLines.length) tail.push(contextBlock(contextLines));
  const footer = (reply.buttons ?? []).map((b) => buttons.make(b)).filter((b): b is SlackButton => !!b);
  if (options.shareLine) footer.push(buttons.share(options.shareLine));
  tail.push(...actionsBlocks(footer).slice(0, 2));

  const room = maxBlocks - head.length - tail.length;
  let shown = body;
  if (body.length > room) {
    // Keep one slot to say what was left out.
    shown = body.slice(0, Math.max(0, room - 1));
    const dropped = body.slice(shown.length);
    const items = dropped.reduce((n, p) => n + p.items, 0);
    const note = items > 0 ? `…and ${items} more` : '…the rest of this answer was cut to fit Slack';
    shown = [...shown, { block: contextBlock([note]), items: 0 }];
  }
  return [...head, ...shown.map((p) => p.block), ...tail];
}

/**
 * A whole message: blocks plus the fallback used by notifications and screen readers. Slack parses
 * that top-level `text` as mrkdwn too, so it is escaped like the blocks: a summary quoting what a
 * user typed (`find <!channel>`) must not ping a channel when the answer is shared.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const fallback = reply.summary?.trim() || reply.header || plain(reply.sections[0]?.text) || 'Callsheet';
  return { text: mrkdwnOf(fallback, LIMITS.text), blocks: replyBlocks(reply, options) };
}

/** A short message with no blocks beyond one section (apologies, notices). */
export function renderNotice(text: string): SlackMessage {
  return { text: mrkdwnOf(text, LIMITS.text), blocks: [{ type: 'section', text: mrkdwnText(mrkdwnOf(text, LIMITS.text)) }] };
}
