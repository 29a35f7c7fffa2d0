/**
 * Issue 13: links and buttons open only https:/http: URLs. A `javascript:` (or `data:`, `file:`,
 * `vbscript:`) link from a catalog file is dropped in the core reply and again by every renderer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReplyText } from '../../adapters/shell/render-text.js';
import { renderReply } from '../../adapters/slack/render-reply.js';
import { renderCard } from '../../adapters/teams/render-card.js';
import { openableUrl, safeLinks, type Reply } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

const BAD = ['javascript:alert(document.cookie)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox(1)', 'mailto:x@example.com', 'not a url'];

const hostile: Reply = {
  summary: 's',
  sections: [
    {
      text: BAD.map((url) => ({ type: 'link' as const, text: 'click me', url })),
      fields: [{ label: 'Docs', value: [{ type: 'link', text: 'docs', url: BAD[0] }] }],
      list: [{ text: [{ type: 'link', text: 'item', url: BAD[2] }], button: { label: 'Open', action: { type: 'url', url: BAD[0] } } }],
      buttons: BAD.map((url) => ({ label: 'Open', action: { type: 'url' as const, url } })),
    },
  ],
  context: [[{ type: 'link', text: 'ctx', url: BAD[3] }]],
  buttons: [...BAD.map((url) => ({ label: 'Go', action: { type: 'url' as const, url } })), { label: 'Fine', action: { type: 'url', url: 'https://ok.example/x' } }],
};

const schemes = /javascript:|data:|file:|vbscript:|mailto:/i;

describe('link safety', () => {
  it('only https and http URLs are openable', () => {
    for (const url of BAD) expect(openableUrl(url)).toBeUndefined();
    expect(openableUrl('https://ok.example/a b')).toBe('https://ok.example/a%20b');
    expect(openableUrl('http://ok.example')).toBe('http://ok.example/');
  });

  it('the core keeps the text of a bad link and drops bad URL buttons', () => {
    const safe = safeLinks(hostile);
    expect(JSON.stringify(safe)).not.toMatch(schemes);
    expect(safe.sections[0].text?.[0]).toBe('click me');
    expect(safe.buttons).toEqual([{ label: 'Fine', action: { type: 'url', url: 'https://ok.example/x' } }]);
  });

  it('Slack, Teams and the shell drop bad URLs even from a reply that did not pass the core', () => {
    expect(JSON.stringify(renderReply(hostile))).not.toMatch(schemes);
    expect(JSON.stringify(renderCard(hostile))).not.toMatch(schemes);
    expect(renderReplyText(hostile)).not.toMatch(schemes);
    expect(JSON.stringify(renderCard(hostile))).toContain('https://ok.example/x');
  });

  describe('from a catalog file', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
      const file = [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: evil-links',
        '  links:',
        '    - { url: "javascript:alert(1)", title: Dashboard }',
        '    - { url: "data:text/html,<b>x</b>", title: Data }',
        '    - { url: "https://runbook.example/evil", title: Runbook }',
        '  annotations:',
        '    backstage.io/view-url: "javascript:alert(3)"',
        '    backstage.io/edit-url: "javascript:alert(4)"',
        'spec: { type: service, lifecycle: production, owner: group:default/payments }',
      ].join('\n');
      await seedCatalog(database.db, { files: { 'security/evil.yaml': file } });
    });
    afterAll(async () => {
      await database?.close();
    });

    it('owner shows the https link and no script link, in every renderer', async () => {
      const reply = await runLine('owner evil-links', commandContext(database.db));
      expect(JSON.stringify(reply)).toContain('https://runbook.example/evil');
      expect(JSON.stringify(reply)).not.toMatch(schemes);
      expect(JSON.stringify(renderReply(reply))).not.toMatch(schemes);
      expect(JSON.stringify(renderCard(reply))).not.toMatch(schemes);
      expect(renderReplyText(reply)).not.toMatch(schemes);
    });
  });
});
