/**
 * The digest's "Add AGENTS.md" part: one button per component (capped, the rest counted), room made
 * by fewer findings so the worst digest still fits Slack's 50 blocks uncut, "Update" for a component
 * whose AGENTS.md is out of date, and the link in place of the button once someone proposed it.
 */
import { describe, expect, it } from 'vitest';
import { replyBlocks } from '../../adapters/slack/render-reply.js';
import { buildDigest, digestAfterAction, digestToReply, MAX_AGENTS_MD_PER_DIGEST, MAX_FINDINGS_PER_DIGEST } from '../../src/nudges/digest.js';
import type { TeamReport } from '../../src/nudges/evaluate.js';
import { ruleInfo } from '../../src/nudges/rules/index.js';
import type { Finding, RuleId } from '../../src/nudges/types.js';

const rules = Object.keys(ruleInfo) as RuleId[];
const finding = (rule: RuleId, i: number): Finding => ({ rule, subject: `component:default/${rule}-${i}`, teamRef: 'group:default/team', message: `${rule} ${i}` });
const mildest = [...rules].sort((a, b) => ruleInfo[b].severity - ruleInfo[a].severity)[0]!;
/** Every rule once, then many of the mildest (listed last): the most rule titles and finding blocks a digest can have. */
const findings: Finding[] = [...rules.map((rule) => finding(rule, 0)), ...Array.from({ length: 20 }, (_, i) => finding(mildest, i + 1))];
const report: TeamReport = { teamRef: 'group:default/team', score: 0.2, entities: 30, findings };
const offers = Array.from({ length: 5 }, (_, i) => ({ entity: `component:default/svc-${i}`, update: i === 1 }));

const allButtons = (blocks: any[]) => blocks.flatMap((b) => [b.accessory, ...(b.elements ?? [])]).filter((e) => e?.type === 'button');

describe('Add AGENTS.md in the digest', () => {
  it('offers at most a few components, one button each, and counts the rest', () => {
    const digest = { ...buildDigest(report, undefined, MAX_FINDINGS_PER_DIGEST, offers)!, runId: 3 };
    expect(digest.agentsMd!.map((a) => a.entity)).toEqual(offers.slice(0, MAX_AGENTS_MD_PER_DIGEST).map((o) => o.entity));
    expect(digest.agentsMdMore).toBe(offers.length - MAX_AGENTS_MD_PER_DIGEST);
    const section = digestToReply(digest).sections.find((s) => s.title === 'AGENTS.md for coding agents')!;
    expect(section.list!.map((i) => i.button?.label)).toEqual(['Add AGENTS.md', 'Update AGENTS.md', 'Add AGENTS.md']);
    expect(section.list![0]!.button!.action).toEqual({ type: 'action', id: 'nudge.agents-md', value: { run: '3', team: 'group:default/team', entity: 'component:default/svc-0' } });
    expect(section.more).toEqual({ count: 2 });
  });

  it('fits the worst digest in Slack’s 50 blocks without cutting anything', () => {
    const digest = buildDigest(report, { score: 0.3, at: new Date() }, MAX_FINDINGS_PER_DIGEST, offers)!;
    const reply = digestToReply(digest);
    const blocks = replyBlocks(reply);
    expect(blocks.length).toBeLessThanOrEqual(50);
    // Nothing was cut: rendered without a limit it is the same.
    expect(replyBlocks(reply, { maxBlocks: 1000 })).toEqual(blocks);
    const labels = allButtons(blocks).map((b) => b.text.text);
    expect(labels.filter((l: string) => l.endsWith('AGENTS.md'))).toHaveLength(MAX_AGENTS_MD_PER_DIGEST);
    // Without offers the findings keep their full room.
    expect(buildDigest(report, undefined)!.groups.flatMap((g) => g.findings)).toHaveLength(MAX_FINDINGS_PER_DIGEST);
  });

  it('shows who proposed it, with the link, instead of the button', () => {
    const digest = buildDigest(report, undefined, MAX_FINDINGS_PER_DIGEST, offers)!;
    const after = digestAfterAction(digest, { kind: 'agents-md-proposed', by: 'Alice', detail: 'https://git.example/pull/4', entity: 'component:default/svc-1' });
    const items = digestToReply(after).sections.find((s) => s.title === 'AGENTS.md for coding agents')!.list!;
    expect(items[1]!.button).toBeUndefined();
    expect(items[1]!.text).toContainEqual({ type: 'link', text: 'https://git.example/pull/4', url: 'https://git.example/pull/4' });
    expect(items.filter((i) => i.button)).toHaveLength(2);
    expect(after.groups).toEqual(digest.groups);
  });
});
