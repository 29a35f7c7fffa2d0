/**
 * Issue 13 (Teams): `<at>…</at>` in catalog text is neutralised, so it can neither mention anyone nor
 * fake a mention, and cuts never split a real mention, an escape or a surrogate pair.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardText, fitCardParts, MAX_TEXT, neutraliseMentions } from '../../adapters/teams/card-text.js';
import { renderCard, type MentionLookup } from '../../adapters/teams/render-card.js';
import type { Reply, RichText } from '../../src/reply/reply.js';
import { expectValidCard } from '../helpers/teams.js';

const ALICE = { id: '29:alice', name: 'Alice Doe' };
const lookup: MentionLookup = (span) => (span.ref === 'user:default/alice' ? ALICE : undefined);

/** Every text in the card body, recursively. */
function texts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.text === 'string') out.push(o.text);
    if (typeof o.value === 'string') out.push(o.value);
    for (const k of ['body', 'items', 'columns', 'facts', 'actions']) if (o[k]) texts(o[k], out);
  }
  return out;
}

const mentionTag = /<\s*\/?\s*at\b/i;

describe('Teams text safety', () => {
  it('catalog text with <at> mentions nobody and lists no mention entity', () => {
    const reply: Reply = {
      summary: '<at>Alice Doe</at> owns it',
      header: '<at>Alice Doe</at>',
      sections: [
        { title: '<AT>x</AT>', text: ['ping <at>Alice Doe</at> and < at >Bob</ at>'], fields: [{ label: '<at>l</at>', value: ['<at>v</at>'] }], list: [{ text: ['<at>item</at>'], detail: ['</at>'] }] },
      ],
    };
    const card = renderCard(reply, { mention: lookup });
    expectValidCard(card);
    for (const text of texts(card.body)) expect(text).not.toMatch(mentionTag);
    expect(card.fallbackText).not.toMatch(mentionTag);
    expect((card.msteams as { entities?: unknown[] }).entities ?? []).toHaveLength(0);
  });

  it('a real mention still works next to neutralised catalog text', () => {
    const card = renderCard({ summary: 's', sections: [{ text: ['<at>Alice Doe</at> is not ', { type: 'user', ref: 'user:default/alice', name: 'Alice Doe' }] }] }, { mention: lookup });
    const [text] = texts(card.body);
    expect(text.match(/<at>/g)).toHaveLength(1);
    expect(text.endsWith('<at>Alice Doe</at>')).toBe(true);
    expect((card.msteams as { entities: unknown[] }).entities).toHaveLength(1);
  });

  it('a long text is cut before a mention, never through it, and the cut mention is not listed', () => {
    const rich: RichText = ['x'.repeat(MAX_TEXT - 5), { type: 'user', ref: 'user:default/alice', name: 'Alice Doe' }];
    const card = renderCard({ summary: 's', sections: [{ text: rich }] }, { mention: lookup });
    const [text] = texts(card.body);
    expect(text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(text).not.toContain('<at');
    expect((card.msteams as { entities?: unknown[] }).entities ?? []).toHaveLength(0);
  });

  it('cuts never go over the limit or split an escape, a surrogate pair or a mention (property)', () => {
    const unit = fc.constantFrom('<at>', '</at>', '<', 'at', '*', '_', '\\', '😀', 'é', 'a', ' ', '[', ']');
    const part = fc.oneof(
      fc.record({ text: fc.string({ unit, maxLength: 80 }) }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }), fc.integer({ min: 0, max: 120 }), (raw, max) => {
        const kept: number[] = [];
        const parts = raw.map((p, i) => (p ? p : { atomic: `<at>Person ${i}</at>`, onKept: () => kept.push(i) }));
        const out = fitCardParts(parts, max);
        expect(out.length).toBeLessThanOrEqual(max);
        const body = out.endsWith('…') ? out.slice(0, -1) : out;
        expect(/[\uD800-\uDBFF]$/.test(body)).toBe(false);
        // An odd number of trailing backslashes would be an escape cut in half.
        expect(/(^|[^\\])(\\\\)*\\$/.test(body)).toBe(false);
        // Exactly the kept mentions appear, each whole; no other mention tag.
        expect((out.match(/<at>Person \d+<\/at>/g) ?? []).length).toBe(kept.length);
        expect(out.replace(/<at>Person \d+<\/at>/g, '§')).not.toMatch(mentionTag);
      }),
      { numRuns: 500 },
    );
    expect(neutraliseMentions('<b> < /AT> <at>')).toBe('<b> ‹ /AT> ‹at>');
    expect(cardText('😀'.repeat(3000)).length).toBeLessThanOrEqual(MAX_TEXT);
  });
});
