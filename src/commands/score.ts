/** `score [team]`: a team's catalog score now, and how it moved since the last digests. */
import { desc, eq } from 'drizzle-orm';
import { teamScores } from '../db/schema.js';
import { teamArg, teamLabel, trendText } from '../nudges/digest.js';
import { percent } from '../nudges/scores.js';
import { commandTeams, teamReport } from '../nudges/teams.js';
import { errorReply, type Section } from '../reply/reply.js';
import type { Command } from './types.js';

const HISTORY = 6;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Catalog score of a team (yours when no team is named) and its trend',
  usage: 'score [team]',
  example: 'score payments',
  async run(args, ctx) {
    const chosen = await commandTeams(ctx.db, args, ctx.requester.userRef);
    if ('error' in chosen) return errorReply(`${chosen.error} Usage: score [team]`);
    const now = ctx.clock.now();
    const sections: Section[] = [];
    const summaries: string[] = [];
    for (const team of chosen.teams) {
      const report = await teamReport(ctx.db, team, now, ctx.staleAfterDays);
      const history = await ctx.db.select({ at: teamScores.at, score: teamScores.score }).from(teamScores).where(eq(teamScores.teamRef, team)).orderBy(desc(teamScores.at)).limit(HISTORY);
      const trend = trendText(report.score, history[0]?.score ?? null).replace('since last digest', 'since the last digest').replace('(first digest)', '(no digest yet)');
      summaries.push(`${teamLabel(team)}: ${trend}`);
      sections.push({
        title: teamLabel(team),
        fields: [
          { label: 'Score now', value: [trend] },
          { label: 'Entities scored', value: [String(report.entities)] },
          { label: 'Findings', value: [String(report.findings.length), ...(report.findings.length > 0 ? [' — ', { type: 'code' as const, text: `stale ${teamArg(team)}` }] : [])] },
        ],
        ...(history.length > 0
          ? { text: ['History: ', history.map((h) => `${h.at.toISOString().slice(0, 10)} ${percent(h.score)}%`).join(' · ')] }
          : {}),
      });
    }
    return { summary: summaries.join('; '), header: `Catalog score: ${chosen.teams.map(teamLabel).join(', ')}`, sections };
  },
};
