import { describe, expect, it } from 'vitest';
import { byteSize, MAX_CARD_BYTES, renderCard } from '../../adapters/teams/render-card.js';
import type { Reply } from '../../src/reply/reply.js';
import { expectValidCard } from '../helpers/teams.js';

const owner: Reply = {
  summary: 'payments-api is owned by payments',
  header: 'payments-api',
  sections: [
    { text: ['Takes *card* payments_v2 — see ', { type: 'link', text: 'runbook', url: 'https://runbooks.example/pay' }] },
    {
      fields: [
        { label: 'Owner', value: [{ type: 'entity', ref: 'group:default/payments', text: 'payments' }] },
        { label: 'Lifecycle', value: ['production'] },
      ],
    },
    {
      title: 'Members',
      text: [
        { type: 'user', ref: 'user:default/alice', name: 'Alice Doe', email: 'alice@example.com' },
        ', ',
        { type: 'user', ref: 'user:default/bob', name: 'Bob Roe' },
      ],
    },
  ],
  context: [['From ', { type: 'code', text: 'catalog-info.yaml' }]],
  buttons: [
    { label: 'Open source', action: { type: 'url', url: 'https://git.example/payments' } },
    { label: 'Dependencies', action: { type: 'command', command: 'deps payments-api' }, style: 'primary' },
    { label: 'Looks right', action: { type: 'action', id: 'nudge.review', value: { ref: 'component:default/payments-api' } } },
  ],
};

describe('renderCard', () => {
  it('renders a Reply as a valid Adaptive Card 1.5 with link, command and action buttons', () => {
    const card = renderCard(owner);
    expectValidCard(card);
    expect(card.version).toBe('1.5');
    expect(card.fallbackText).toBe(owner.summary);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open source', url: 'https://git.example/payments' },
      { type: 'Action.Submit', title: 'Dependencies', data: { callsheet: 'command', line: 'deps payments-api' }, style: 'positive' },
      { type: 'Action.Submit', title: 'Looks right', data: { callsheet: 'action', id: 'nudge.review', value: { ref: 'component:default/payments-api' } } },
    ]);
    const text = JSON.stringify(card);
    expect(text).toContain('[runbook](https://runbooks.example/pay)');
    // Catalog text is shown literally, not as markdown.
    expect(text).toContain('Takes \\\\*card\\\\* payments\\\\_v2');
    expect(card.body.find((b) => (b.items as Array<{ type: string }> | undefined)?.some((i) => i.type === 'FactSet'))).toBeDefined();
  });

  it('mentions the people it can resolve and leaves the others as names', () => {
    const card = renderCard(owner, { mention: (u) => (u.email === 'alice@example.com' ? { id: '29:alice', name: u.name } : undefined) });
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('<at>Alice Doe</at>, Bob Roe');
    expect(card.msteams).toEqual({ width: 'Full', entities: [{ type: 'mention', text: '<at>Alice Doe</at>', mentioned: { id: '29:alice', name: 'Alice Doe' } }] });
  });

  it('cuts long lists with "and N more" until the card fits the Teams size limit', () => {
    const list = Array.from({ length: 400 }, (_, i) => ({
      text: [{ type: 'bold' as const, text: `service-${i}` }, ' — ', 'x'.repeat(150)],
      detail: ['Component · production'],
      button: { label: 'Owner', action: { type: 'command' as const, command: `owner service-${i}` } },
    }));
    const reply: Reply = { summary: '400 matches', header: 'Search', sections: [{ list, more: { count: 12, command: 'find service --all' } }] };
    const card = renderCard(reply);
    expectValidCard(card);
    expect(byteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const text = JSON.stringify(card);
    const shown = (text.match(/"owner service-\d+"/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(400);
    expect(text).toContain(`and ${400 - shown + 12} more (find service --all)`);
  });

  it('falls back to the summary when even short lists do not fit', () => {
    const sections = Array.from({ length: 300 }, (_, i) => ({ title: `Section ${i}`, text: ['y'.repeat(1500)] }));
    const card = renderCard({ summary: 'huge', header: 'Huge', sections });
    expectValidCard(card);
    expect(byteSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(JSON.stringify(card)).toMatch(/and \d+ more sections/);
  });

  it('marks errors and renders a summary-only reply', () => {
    const card = renderCard({ summary: 'Nothing called "x".', sections: [], isError: true, header: 'Not found' });
    expectValidCard(card);
    expect(card.body[0]).toMatchObject({ text: 'Not found', color: 'Attention' });
    const bare = renderCard({ summary: 'Just text', sections: [] });
    expectValidCard(bare);
    expect(bare.body).toEqual([{ type: 'TextBlock', text: 'Just text', wrap: true }]);
  });
});
