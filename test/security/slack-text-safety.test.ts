/**
 * Issue 13, "Chat text cannot ping, disguise or inject" (Slack): catalog and user text is escaped
 * wherever it lands, including the top-level `text` of a shared answer, and no cut goes over a limit
 * or splits an escape or a surrogate pair.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clipEscaped, mrkdwnOf, toMrkdwn } from '../../adapters/slack/mrkdwn.js';
import { ACTION, LIMITS, renderNotice, renderReply } from '../../adapters/slack/render-reply.js';
import { pageView } from '../../adapters/slack/render-form.js';
import { blockProblem, viewProblem } from '../fakes/slack-api.js';
import type { Reply, RichText } from '../../src/reply/reply.js';
import { runLine } from '../../src/commands/run.js';
import { buildForm } from '../../src/scaffolder/form.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';
import { buttonClick, startTestbed, type Testbed } from '../helpers/slack-testbed.js';

/** Text with no control sequence Slack would act on: every `<` and `&` was escaped. */
function unescapedControl(text: string): boolean {
  return text.includes('<') || text.includes('>') || /&(?!amp;|lt;|gt;)/.test(text);
}

/** True when the text ends inside an entity (`&am…`) or between the halves of a surrogate pair. */
function brokenCut(text: string): boolean {
  const body = text.endsWith('…') ? text.slice(0, -1) : text;
  return /&(a|am|amp|l|lt|g|gt)?$/.test(body) || /[\uD800-\uDBFF]$/.test(body);
}

const nasty = fc.string({ unit: fc.constantFrom('&', '<', '>', '!', 'channel', '|', '*', 'a', ' ', '😀', 'é', '\n', '@', '`') , maxLength: 400 });

describe('Slack text escaping and cutting', () => {
  it('mrkdwnOf escapes every control character and never goes over the limit or splits an escape or emoji', () => {
    fc.assert(
      fc.property(nasty, fc.integer({ min: 0, max: 200 }), (text, max) => {
        const out = mrkdwnOf(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(unescapedControl(out)).toBe(false);
        expect(brokenCut(out)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('clipEscaped never cuts inside an entity or a surrogate pair', () => {
    fc.assert(
      fc.property(nasty, fc.integer({ min: 0, max: 200 }), (text, max) => {
        const escaped = mrkdwnOf(text, 10_000);
        const out = clipEscaped(escaped, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(brokenCut(out)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('rich text with mentions and links never goes over the limit and keeps links whole', () => {
    const span = fc.oneof(
      nasty,
      fc.record({ type: fc.constant('link' as const), text: nasty, url: fc.constantFrom('https://example.com/a?b=<c>', 'javascript:alert(1)', 'http://x.example/|y') }),
      fc.record({ type: fc.constant('bold' as const), text: nasty }),
      fc.record({ type: fc.constant('code' as const), text: nasty }),
      fc.record({ type: fc.constant('user' as const), ref: fc.constant('user:default/ada'), name: nasty, slackId: fc.constant('U0ADA') }),
    );
    fc.assert(
      fc.property(fc.array(span, { maxLength: 8 }), fc.integer({ min: 0, max: 300 }), (rich, max) => {
        const out = toMrkdwn(rich as RichText, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(brokenCut(out)).toBe(false);
        expect(out).not.toContain('javascript:');
        expect(out).not.toMatch(/<!/);
        // A link is whole or absent: every `<https` has its closing `>`.
        expect((out.match(/<https?:/g) ?? []).length).toBe((out.match(/<https?:[^<>]*>/g) ?? []).length);
      }),
      { numRuns: 300 },
    );
  });

  it('a 2,998-character list item with a detail stays within 3,000 characters (Slack rejects the whole message otherwise)', () => {
    const reply: Reply = { summary: 's', sections: [{ list: [{ text: ['x'.repeat(2998)], detail: ['a detail'] }, { text: ['&'.repeat(1500)], detail: ['<!here>'] }] }] };
    const { blocks } = renderReply(reply);
    expect(blockProblem(blocks, LIMITS.messageBlocks)).toBeUndefined();
    for (const block of blocks as any[]) if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.text);
  });

  it('any reply renders to blocks Slack accepts, with an escaped top-level text', () => {
    const item = fc.record({ text: fc.array(nasty, { minLength: 1, maxLength: 3 }), detail: fc.option(fc.array(nasty, { maxLength: 2 }), { nil: undefined }) });
    fc.assert(
      fc.property(nasty, fc.array(item, { maxLength: 30 }), fc.integer({ min: 1, max: 3100 }), (summary, list, pad) => {
        const reply: Reply = { summary: `${summary}${'<'.repeat(pad)}`, header: summary, sections: [{ title: summary, text: [summary], list }] };
        const message = renderReply(reply);
        expect(blockProblem(message.blocks, LIMITS.messageBlocks)).toBeUndefined();
        expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
        expect(unescapedControl(message.text)).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(renderNotice('<!channel> & <@U0ADA>').text).toBe('&lt;!channel&gt; &amp; &lt;@U0ADA&gt;');
  });

  it('a template page title cannot ping from the modal heading', () => {
    const form = buildForm({ ref: 'template:default/t', title: 'T', parameters: [{ title: '<!channel> *now*', properties: { name: { type: 'string', title: 'Name' } } }] });
    const view = pageView(form, 0, { values: {}, state: { t: form.templateRef, p: 0, vals: {} } })!;
    expect(viewProblem(view)).toBeUndefined();
    expect((view.blocks[0] as any).text.text).not.toContain('<!channel>');
    expect((view.blocks[0] as any).text.text).toContain('&lt;!channel&gt;');
  });
});

/**
 * What Slack parses for mentions: the message's `text` and every `mrkdwn` text object. `plain_text`
 * (headers, button labels) and button values are shown or sent back literally, never as a mention.
 */
function parsedTexts(payload: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      for (const [key, value] of Object.entries(o)) if (key !== 'value') walk(value);
    }
  };
  walk(payload);
  const top = (payload as { text?: unknown }).text;
  if (typeof top === 'string') out.push(top);
  return out;
}

describe('Slack text over HTTP', () => {
  let database: TestDatabase;
  let bed: Testbed;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    bed = await startTestbed(database.db, { runLine });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('"/catalog find <!channel>" then "Share in channel" posts no <!channel>, neither in blocks nor in the notification text', async () => {
    const asked = await bed.slash('/catalog', 'find <!channel>', { hook: 'find-1' });
    expect(asked.status).toBe(200);
    await vi.waitFor(() => expect(asked.json ?? bed.fake.accepted('response_url').find((c) => c.hook === 'find-1')).toBeTruthy());
    const answer = asked.json ?? bed.fake.accepted('response_url').find((c) => c.hook === 'find-1')!.args;
    expect(parsedTexts(answer).join('\n')).not.toContain('<!channel>');
    // The share button carries the line as typed; a click runs it again and posts it for everyone.
    const clicked = await bed.click(buttonClick({ actionId: ACTION.share, value: 'find <!channel>', responseUrl: bed.fake.responseUrl('share-find') }));
    expect(clicked.status).toBe(200);
    await vi.waitFor(() => expect(bed.fake.accepted('response_url').filter((c) => c.hook === 'share-find')).toHaveLength(1));
    const [posted] = bed.fake.accepted('response_url').filter((c) => c.hook === 'share-find');
    expect(posted.args.response_type).toBe('in_channel');
    expect(posted.args.text).not.toContain('<!channel>');
    expect(posted.args.text).toContain('&lt;!channel&gt;');
    expect(parsedTexts({ blocks: posted.args.blocks }).join('\n')).not.toContain('<!channel>');
  });
});
