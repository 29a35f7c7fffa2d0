/**
 * Rich text -> Slack mrkdwn, cut to a length without ever breaking an escape, a mention or a link.
 * Catalog text is escaped so that it cannot smuggle `<!channel>` or fake links into a message.
 */
import type { RichText, Span } from '../../src/commands/reply.js';

/** Catalog User ref -> Slack user id. */
export type MentionMap = ReadonlyMap<string, string>;

type Part = { raw: string } | { atomic: string; fallback?: string };

const ELLIPSIS = '…';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;

export function isSlackUserId(id: string | undefined): id is string {
  return !!id && USER_ID.test(id);
}

/** http(s) and mailto URLs only, made safe to sit inside `<url|text>`. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (!['http:', 'https:', 'mailto:'].includes(parsed.protocol)) return undefined;
    return parsed.toString().replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  } catch {
    return undefined;
  }
}

function partsOf(span: Span, mentions: MentionMap): Part[] {
  if (typeof span === 'string') return [{ raw: span }];
  switch (span.type) {
    case 'link': {
      const url = safeUrl(span.url);
      const label = escapeMrkdwn(span.text || span.url).replace(/\|/g, '¦');
      return url ? [{ atomic: `<${url}|${label}>`, fallback: span.text }] : [{ raw: span.text }];
    }
    case 'user': {
      const id = mentions.get(span.ref) ?? span.slackId;
      return isSlackUserId(id) ? [{ atomic: `<@${id}>`, fallback: span.name }] : [{ raw: span.name }];
    }
    case 'channel':
      if (span.slackId && CHANNEL_ID.test(span.slackId)) return [{ atomic: `<#${span.slackId}>`, fallback: span.name ? `#${span.name}` : '' }];
      return [{ raw: span.name ? `#${span.name}` : '' }];
    case 'code': {
      const text = span.text.replace(/`/g, "'");
      return text ? [{ atomic: `\`${escapeMrkdwn(text)}\``, fallback: text }] : [];
    }
    case 'bold': {
      const text = span.text.replace(/\*/g, '∗');
      return text.trim() ? [{ atomic: `*${escapeMrkdwn(text)}*`, fallback: text }] : [{ raw: span.text }];
    }
    case 'entity':
      return [{ raw: span.text }];
  }
}

/** Joins parts into at most `max` characters, ending with an ellipsis when something was cut. */
function fit(parts: Part[], max: number): string {
  let out = '';
  for (const part of parts) {
    const whole = 'raw' in part ? escapeMrkdwn(part.raw) : part.atomic;
    if (out.length + whole.length <= max) {
      out += whole;
      continue;
    }
    const room = max - out.length - ELLIPSIS.length;
    const raw = 'raw' in part ? part.raw : part.fallback ?? '';
    for (const ch of raw) {
      const escaped = escapeMrkdwn(ch);
      if (out.length + escaped.length > room) break;
      out += escaped;
    }
    return out + ELLIPSIS;
  }
  return out;
}

export function toMrkdwn(text: RichText | undefined, max: number, mentions: MentionMap = new Map()): string {
  return fit((text ?? []).flatMap((span) => partsOf(span, mentions)), max);
}

/** Plain text cut to `max` characters (code points kept whole). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}
