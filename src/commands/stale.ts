/** `stale [team]`: what needs attention now in what a team owns, worst first. */
import { shortRef } from '../catalog/refs.js';
import { teamLabel } from '../nudges/digest.js';
import { ruleInfo } from '../nudges/rules/index.js';
import { commandTeams, teamReport } from '../nudges/teams.js';
import type { Finding } from '../nudges/types.js';
import { errorReply, type ListItem, type Reply, type Section } from '../reply/reply.js';
import { identityHint } from './identity-hint.js';
import type { Command } from './types.js';

/** Most findings listed in one answer; the rest are counted. */
const MAX_LISTED = 60;

function item(f: Finding): ListItem {
  const subject = f.subject.startsWith('file:') ? { type: 'code' as const, text: f.subject.slice(f.subject.indexOf(':', 5) + 1) } : { type: 'entity' as const, ref: f.subject, text: shortRef(f.subject) };
  return { text: [subject, ` ${f.message}`], ...(f.url ? { detail: [{ type: 'link' as const, text: 'catalog file', url: f.url }] } : {}) };
}

export const staleCommand: Command = {
  name: 'stale',
  summary: 'What needs attention in what a team owns (yours when no team is named)',
  usage: 'stale [team]',
  example: 'stale payments',
  async run(args, ctx) {
    const chosen = await commandTeams(ctx.db, args, ctx.requester.userRef);
    if ('error' in chosen) {
      // Without a team named, say how the asker was (not) identified: that is what they can fix.
      return errorReply(`${chosen.error} Usage: stale [team]`, args.trim() ? {} : { context: identityHint(ctx.requester) });
    }
    const now = ctx.clock.now();
    const sections: Section[] = [];
    let total = 0;
    let listed = 0;
    for (const team of chosen.teams) {
      const report = await teamReport(ctx.db, team, now, ctx.staleAfterDays);
      total += report.findings.length;
      if (chosen.teams.length > 1) sections.push({ title: teamLabel(team), ...(report.findings.length === 0 ? { text: ['Nothing needs attention.'] } : {}) });
      const byRule = new Map<string, Finding[]>();
      for (const f of [...report.findings].sort((a, b) => ruleInfo[a.rule].severity - ruleInfo[b.rule].severity || a.subject.localeCompare(b.subject))) {
        byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
      }
      for (const [rule, findings] of byRule) {
        const room = Math.max(0, MAX_LISTED - listed);
        const shown = findings.slice(0, room);
        listed += shown.length;
        sections.push({
          title: `${ruleInfo[rule as Finding['rule']].title} (${findings.length})`,
          list: shown.map(item),
          ...(findings.length > shown.length ? { more: { count: findings.length - shown.length } } : {}),
        });
      }
    }
    const who = chosen.teams.map(teamLabel).join(', ');
    if (total === 0) return { summary: `Nothing needs attention for ${who}.`, header: `Stale: ${who}`, sections: [{ text: ['Nothing needs attention. ✓'] }] };
    const reply: Reply = { summary: `${total} ${total === 1 ? 'thing needs' : 'things need'} attention for ${who}`, header: `Stale: ${who}`, sections };
    return reply;
  },
};
