import { describe, expect, it } from 'vitest';
import { commandButtons, renderReplyText } from '../../adapters/shell/render-text.js';
import type { Reply } from '../../src/reply/reply.js';

describe('renderReplyText', () => {
  it('renders spans, fields, lists, "more", context and numbers command buttons in order', () => {
    const reply: Reply = {
      summary: 's',
      header: 'Payments API (Component)',
      sections: [
        { text: ['Owned by ', { type: 'entity', ref: 'group:default/payments', text: 'Payments' }], fields: [{ label: 'Channel', value: [{ type: 'channel', name: 'team-payments', slackId: 'C1' }] }] },
        {
          title: 'Members',
          list: [
            { text: [{ type: 'user', ref: 'user:default/a', name: 'Alice', email: 'a@x.example' }], button: { label: 'x', action: { type: 'command', command: 'team payments' } } },
            { text: [{ type: 'link', text: 'Runbook', url: 'https://r.example/' }], detail: [{ type: 'code', text: 'dir:.' }] },
          ],
          more: { count: 3, command: 'team group:default/payments' },
        },
      ],
      context: [['Defined in ', { type: 'bold', text: 'x.yaml' }]],
      buttons: [
        { label: 'Docs', action: { type: 'url', url: 'https://docs.example/' } },
        { label: 'Deps', action: { type: 'command', command: 'deps payments-api' } },
        { label: 'Snooze', action: { type: 'action', id: 'snooze', value: {} } },
      ],
    };
    expect(renderReplyText(reply)).toBe(
      [
        'Payments API (Component)',
        '========================',
        '',
        'Owned by Payments',
        'Channel: #team-payments',
        '',
        'Members',
        '  - Alice <a@x.example>   [1] team payments',
        '  - Runbook <https://r.example/>',
        '      `dir:.`',
        '  … and 3 more (type: team group:default/payments)',
        '',
        'Defined in x.yaml',
        '',
        'Docs: https://docs.example/',
        '[2] deps payments-api',
        'Snooze (available in Slack and Teams)',
        '',
      ].join('\n'),
    );
    expect(commandButtons(reply)).toEqual(['team payments', 'deps payments-api']);
  });
});
