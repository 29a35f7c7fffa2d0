import { describe, expect, it } from 'vitest';
import { ACTION, LIMITS, renderReply } from '../../adapters/slack/render-reply.js';
import { toMrkdwn } from '../../adapters/slack/mrkdwn.js';
import type { Reply } from '../../src/reply/reply.js';
import { blockProblem } from '../fakes/slack-api.js';

const ownerReply: Reply = {
  summary: 'payments-api is owned by Payments',
  header: 'payments-api',
  sections: [
    {
      text: ['Owned by ', { type: 'entity', ref: 'group:default/payments', text: 'Payments' }, ' — ask in ', { type: 'channel', name: 'payments', slackId: 'C0PAY' }],
      fields: [
        { label: 'Lead', value: [{ type: 'user', ref: 'user:default/ada', name: 'Ada Lovelace', email: 'ada@example.com' }] },
        { label: 'On call', value: [{ type: 'user', ref: 'user:default/bob', name: 'Bob', slackId: 'U0BOB' }] },
        { label: 'Lifecycle', value: ['production'] },
      ],
    },
  ],
  context: [['Defined in ', { type: 'link', text: 'catalog-info.yaml', url: 'https://git.example.com/payments/catalog-info.yaml' }]],
  buttons: [
    { label: 'Source', action: { type: 'url', url: 'https://git.example.com/payments' } },
    { label: 'Dependencies', action: { type: 'command', command: 'deps payments-api' } },
  ],
};

function all(blocks: any[]): string {
  return JSON.stringify(blocks);
}

describe('renderReply', () => {
  it('renders header, fields with mentions, channel links, context and buttons, with a text fallback', () => {
    const message = renderReply(ownerReply, { mentions: new Map([['user:default/ada', 'U0ADA']]), shareLine: 'owner payments-api' });
    expect(message.text).toBe('payments-api is owned by Payments');
    const blocks = message.blocks as any[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'payments-api', emoji: true } });
    expect(blocks[1].text.text).toBe('Owned by Payments — ask in <#C0PAY>');
    expect(blocks[2].fields.map((f: any) => f.text)).toEqual(['*Lead*\n<@U0ADA>', '*On call*\n<@U0BOB>', '*Lifecycle*\nproduction']);
    expect(blocks[3]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Defined in <https://git.example.com/payments/catalog-info.yaml|catalog-info.yaml>' }] });
    const buttons = blocks[4].elements;
    expect(buttons[0]).toMatchObject({ url: 'https://git.example.com/payments', action_id: `${ACTION.link}:0` });
    expect(buttons[1]).toMatchObject({ value: 'deps payments-api', action_id: `${ACTION.run}:1` });
    expect(buttons[2]).toMatchObject({ action_id: ACTION.share, value: 'owner payments-api', text: { text: 'Share in channel' } });
    expect(blockProblem(blocks, LIMITS.messageBlocks)).toBeUndefined();
  });

  it('shows names, not mentions, for people it cannot resolve, and escapes catalog text', () => {
    const reply: Reply = { summary: 's', sections: [{ text: [{ type: 'user', ref: 'user:default/ada', name: 'Ada <!channel>' }, ' & ', '<https://evil|x>'] }] };
    const text = (renderReply(reply).blocks[0] as any).text.text;
    expect(text).toBe('Ada &lt;!channel&gt; &amp; &lt;https://evil|x&gt;');
  });

  it('keeps within every Slack limit for an oversized answer and says how many items were left out', () => {
    const reply: Reply = {
      summary: 'x'.repeat(5000),
      header: 'H'.repeat(400),
      sections: [
        { text: ['a&b '.repeat(2000)], fields: Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: ['v'.repeat(3000)] })) },
        {
          list: Array.from({ length: 120 }, (_, i) => ({ text: [`item ${i}`], button: { label: `Pick ${'very long label '.repeat(10)}`, action: { type: 'command' as const, command: `owner item-${i}` } } })),
          more: { count: 30, command: 'find item' },
        },
      ],
      context: Array.from({ length: 14 }, (_, i) => [`line ${i}`]),
      buttons: Array.from({ length: 40 }, (_, i) => ({ label: `b${i}`, action: { type: 'command' as const, command: `help ${i}` } })),
    };
    const message = renderReply(reply, { shareLine: 'find item' });
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect(blockProblem(message.blocks, LIMITS.messageBlocks)).toBeUndefined();
    const json = all(message.blocks);
    expect(json).toContain(ACTION.share);
    // 3 field sections + text + header leave room for some picks; the rest are counted.
    const shownPicks = (message.blocks as any[]).filter((b) => b.accessory).length;
    expect(json).toContain(`…and ${120 - shownPicks} more`);
    // The cut text never ends inside an escape.
    const text = (message.blocks[1] as any).text.text as string;
    expect(text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(text).toMatch(/(&amp;|b| )…$/);
  });

  it('renders plain lists as bullet lines, with the "and N more" line and a Show all button', () => {
    const reply: Reply = { summary: 's', sections: [{ list: [{ text: ['one'], detail: ['first'] }, { text: ['two'] }], more: { count: 5, command: 'find x' } }] };
    const blocks = renderReply(reply).blocks as any[];
    expect(blocks[0].text.text).toBe('• one\nfirst\n• two');
    expect(blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 5 more' }] });
    expect(blocks[2].elements[0]).toMatchObject({ value: 'find x', text: { text: 'Show all' } });
  });

  it('drops buttons Slack would reject (bad URLs, oversized values) instead of failing the message', () => {
    const reply: Reply = {
      summary: 's',
      sections: [],
      buttons: [
        { label: 'js', action: { type: 'url', url: 'javascript:alert(1)' } },
        { label: 'big', action: { type: 'action', id: 'reviewed', value: { ref: 'x'.repeat(3000) } } },
        { label: 'ok', action: { type: 'action', id: 'reviewed', value: { ref: 'component:default/a' } } },
      ],
    };
    const blocks = renderReply(reply).blocks as any[];
    expect(blocks).toHaveLength(1);
    expect(blocks[0].elements).toHaveLength(1);
    expect(blocks[0].elements[0]).toMatchObject({ action_id: `${ACTION.feature}:reviewed:2`, value: '{"ref":"component:default/a"}' });
  });

  it('cuts mrkdwn without breaking a mention or a link', () => {
    const text = toMrkdwn(['ab', { type: 'user', ref: 'user:default/x', name: 'X', slackId: 'U12345' }], 6);
    expect(text).toBe('abX…');
    expect(toMrkdwn([{ type: 'link', text: 'docs', url: 'https://e.com/a|b>c' }], 100)).toBe('<https://e.com/a%7Cb%3Ec|docs>');
  });
});
