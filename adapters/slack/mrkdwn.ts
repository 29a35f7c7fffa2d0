/**
 * Rich text -> Slack mrkdwn, cut to a length without ever breaking an escape, a mention or a link.
 * Catalog text is escaped so that it cannot smuggle `<!channel>` or fake links into a message.
 */
import { openableUrl, type RichText, type Span } from '../../src/reply/reply.js';

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

/** http(s) URLs only (see `openableUrl`), made safe to sit inside `<url|text>`. */
export function safeUrl(url: string): string | undefined {
  return openableUrl(url)?.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
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

/**
 * Joins parts into at most `max` UTF-16 code units (what Slack counts), ending with an ellipsis when
 * something was cut. An atomic part (a mention, a link) is kept whole or replaced by its escaped
 * fallback; an escape (`&amp;`) or a surrogate pair is never split; the ellipsis counts too.
 */
function fit(parts: Part[], max: number): string {
  const whole = parts.map((part) => ('raw' in part ? escapeMrkdwn(part.raw) : part.atomic)).join('');
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return '';
  const room = max - ELLIPSIS.length;
  let out = '';
  for (const part of parts) {
    if ('atomic' in part && out.length + part.atomic.length <= room) {
      out += part.atomic;
      continue;
    }
    for (const ch of 'raw' in part ? part.raw : part.fallback ?? '') {
      const escaped = escapeMrkdwn(ch);
      if (out.length + escaped.length > room) return out + ELLIPSIS;
      out += escaped;
    }
    // A mention or link that did not fit ends the text with its fallback.
    if ('atomic' in part) return out + ELLIPSIS;
  }
  return out + ELLIPSIS;
}

/** Plain catalog or user text as mrkdwn: escaped, then cut to `max` (never inside an escape). */
export function mrkdwnOf(text: string, max: number): string {
  return fit([{ raw: text }], max);
}

/** One unit an escaped mrkdwn string may be cut between: an entity, a surrogate pair, or one code unit. */
const ESCAPED_UNIT = /&(?:amp|lt|gt);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g;

/**
 * Already-escaped mrkdwn (built by a caller from escaped pieces) cut to `max`, never inside an
 * entity or a surrogate pair. Callers that embed links or mentions should prefer `toMrkdwn`.
 */
export function clipEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const room = max - ELLIPSIS.length;
  let out = '';
  for (const unit of text.match(ESCAPED_UNIT) ?? []) {
    if (out.length + unit.length > room) break;
    out += unit;
  }
  return out + ELLIPSIS;
}

export function toMrkdwn(text: RichText | undefined, max: number, mentions: MentionMap = new Map()): string {
  return fit((text ?? []).flatMap((span) => partsOf(span, mentions)), max);
}

/** Plain text cut to `max` UTF-16 code units including the ellipsis (code points kept whole). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}
