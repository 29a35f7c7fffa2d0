/**
 * Catalog and user text as Adaptive Card markdown: markdown characters shown as they are, `<at>`
 * tags neutralised (Teams turns `<at>name</at>` into a mention when the card lists the entity, so
 * catalog text must never produce or fake one), and cuts that never split a mention, an escape or a
 * surrogate pair.
 */

/** Longest text of one TextBlock or fact we send. */
export const MAX_TEXT = 2_000;
const ELLIPSIS = '…';

/** A piece of card text: plain text (escaped here) or an atomic piece kept whole or dropped. */
export type CardPart = { text: string } | { atomic: string; onKept?: () => void };

/** `<at…` / `</at` in catalog text start with a look-alike bracket instead, so Teams shows them as text (also `<attr`: a cut must not leave a tag behind). */
export function neutraliseMentions(text: string): string {
  return text.replace(/<(?=\s*\/?\s*at)/gi, '‹');
}

/** Every code point of the text as it is shown, escaped: the units a cut may fall between. */
function units(text: string): string[] {
  // Neutralise on the whole string first: `<at>` spans several code points.
  return [...neutraliseMentions(text)].map((ch) => ch.replace(/([\\*_[\]`~])/g, '\\$1'));
}

/**
 * Joins parts into at most `max` UTF-16 code units, ellipsis included. An atomic part (a mention)
 * is kept whole or left out with everything after it; `onKept` runs only for the parts kept, so a
 * card never lists a mention entity whose `<at>` text was cut away.
 */
export function fitCardParts(input: CardPart[], max: number = MAX_TEXT): string {
  // Neighbouring texts are one text: `<` at the end of one and `at>` at the start of the next make a tag.
  const parts: CardPart[] = [];
  for (const part of input) {
    const last = parts[parts.length - 1];
    if ('text' in part && last && 'text' in last) parts[parts.length - 1] = { text: last.text + part.text };
    else parts.push(part);
  }
  const pieces = parts.map((p) => ('text' in p ? units(p.text) : [p.atomic]));
  const total = pieces.reduce((n, us) => n + us.reduce((m, u) => m + u.length, 0), 0);
  const room = total <= max ? max : max - ELLIPSIS.length;
  if (room < 0) return '';
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ('atomic' in part) {
      if (out.length + part.atomic.length > room) return out + ELLIPSIS;
      out += part.atomic;
      part.onKept?.();
      continue;
    }
    for (const unit of pieces[i]) {
      if (out.length + unit.length > room) return out + ELLIPSIS;
      out += unit;
    }
  }
  return out;
}

/** Plain catalog text as card markdown within `max`. */
export function cardText(text: string, max: number = MAX_TEXT): string {
  return fitCardParts([{ text }], max);
}

/** Plain text (fallbacks, titles that are not markdown) cut to `max` without splitting a code point. */
export function cardPlain(text: string, max: number = MAX_TEXT): string {
  const neutral = neutraliseMentions(text);
  if (neutral.length <= max) return neutral;
  let out = '';
  for (const ch of neutral) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}
