/** The App Home tab: the user's teams, what they own, their files' problems, and command buttons. */
import type { types } from '@slack/bolt';
import type { HomeData, HomeTeam } from '../../src/catalog/home.js';
import type { Button, Reply, Section } from '../../src/reply/reply.js';
import { LIMITS, replyBlocks } from './render-reply.js';

const run = (label: string, command: string, style?: Button['style']): Button => ({ label, action: { type: 'command', command }, ...(style ? { style } : {}) });

function plural(count: number, kind: string): string {
  return `${count} ${kind}${count === 1 ? '' : kind.endsWith('s') ? 'es' : 's'}`;
}

function teamSections(team: HomeTeam): Section[] {
  const owned = team.owned.total
    ? team.owned.byKind.map((k) => plural(k.count, k.kind)).join(' · ')
    : 'Nothing in the catalog names this team as owner yet.';
  const sections: Section[] = [
    {
      title: team.title ? `${team.title} (${team.name})` : team.name,
      text: [owned],
      list: team.owned.first.map((e) => ({ text: [{ type: 'entity', ref: e.ref, text: e.name }, ` (${e.kind})`], ...(e.title ? { detail: [e.title] } : {}) })),
      ...(team.owned.total > team.owned.first.length ? { more: { count: team.owned.total - team.owned.first.length, command: `team ${team.name}` } } : {}),
    },
  ];
  if (team.problems.total) {
    sections.push({
      text: [{ type: 'bold', text: `⚠️ ${plural(team.problems.total, 'problem')} in this team's catalog files` }],
      list: team.problems.first.map((p) => ({ text: [{ type: 'code', text: p.line ? `${p.filePath}:${p.line}` : p.filePath }], detail: [p.message] })),
      ...(team.problems.total > team.problems.first.length ? { more: { count: team.problems.total - team.problems.first.length } } : {}),
    });
  }
  sections.push({ buttons: [run('What we own', `team ${team.name}`), run('Stale entries', `stale ${team.name}`)] });
  return sections;
}

export function homeReply(data: HomeData, displayName?: string): Reply {
  const common: Section = { buttons: [run('My teams', 'team', 'primary'), run('Find something', 'help find'), run('Help', 'help')] };
  if (!data.userRef) {
    return {
      summary: 'Callsheet',
      header: 'Callsheet',
      sections: [
        {
          text: [
            "I could not match your Slack account to a User in the catalog. Add the annotation ",
            { type: 'code', text: 'slack.com/user-id' },
            ' with your Slack member id to your User entity, or make its ',
            { type: 'code', text: 'spec.profile.email' },
            ' match your Slack email.',
          ],
        },
        common,
      ],
      context: [['Try ', { type: 'code', text: '/catalog help' }, ' in any channel.']],
    };
  }
  const sections: Section[] = [common];
  if (!data.teams.length) sections.push({ text: ['You are not a member of any team in the catalog.'] });
  for (const team of data.teams) sections.push(...teamSections(team));
  if (data.moreTeams) sections.push({ text: [`…and ${plural(data.moreTeams, 'more team')}.`] });
  return {
    summary: 'Callsheet',
    header: displayName ? `Callsheet for ${displayName}` : 'Callsheet',
    sections,
    context: [['Ask anything with ', { type: 'code', text: '/catalog <command>' }, ' or ', { type: 'code', text: '/owner <name>' }, '.']],
  };
}

export function homeView(reply: Reply): types.HomeView {
  return { type: 'home', blocks: replyBlocks(reply, { maxBlocks: LIMITS.viewBlocks }) };
}

/** A command's answer shown in a modal (from App Home, where there is no channel to answer in). */
export function answerModal(blocks: types.KnownBlock[]): types.ModalView {
  return { type: 'modal', title: { type: 'plain_text', text: 'Callsheet' }, close: { type: 'plain_text', text: 'Close' }, blocks };
}
