/**
 * `team <group>`: members, child teams and everything the team owns, by kind. Without an argument:
 * the asker's own teams, when the platform knows who they are in the catalog.
 */
import { orgGroupsOf } from '../trust/membership.js';
import { displayName, emailOf } from '../catalog/entity-view.js';
import { getEntities, getEntity, ownedBy, ownedCounts, relationsFrom, type EntityRow } from '../catalog/queries.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { shortRef } from '../catalog/refs.js';
import { usageReply } from './args.js';
import { identityHint } from './identity-hint.js';
import { entitySpan, groupChannel, refButton, sectionsByKind, unresolvedReply, userSpan } from './catalog-spans.js';
import type { Field, Reply, Section } from '../reply/reply.js';
import type { Command, CommandContext } from './types.js';

/** Members and owned entities shown per team; teams are larger than a service's owner list. */
const TEAM_LIST_LIMIT = 25;

async function teamReply(group: EntityRow, ctx: CommandContext): Promise<Reply> {
  const rels = await relationsFrom(ctx.db, [group.ref], ['hasMember', 'parentOf', 'childOf']);
  const memberRefs = rels.filter((r) => r.type === 'hasMember').map((r) => r.targetRef);
  const childRefs = rels.filter((r) => r.type === 'parentOf').map((r) => r.targetRef);
  const parentRef = rels.find((r) => r.type === 'childOf')?.targetRef;
  const [related, rows, counts] = await Promise.all([
    getEntities(ctx.db, [...memberRefs.slice(0, TEAM_LIST_LIMIT * 2), ...childRefs, ...(parentRef ? [parentRef] : [])]),
    ownedBy(ctx.db, [group.ref], 500),
    ownedCounts(ctx.db, [group.ref]),
  ]);
  const name = displayName(group);
  const facts: Field[] = [];
  if (group.type) facts.push({ label: 'Type', value: [group.type] });
  if (parentRef) facts.push({ label: 'Part of', value: [related.get(parentRef) ? entitySpan(related.get(parentRef)!) : entitySpan(parentRef)] });
  const channel = groupChannel(group);
  if (channel) facts.push({ label: 'Channel', value: channel });
  const email = emailOf(group);
  if (email) facts.push({ label: 'E-mail', value: [email] });

  const members = memberRefs
    .map((r) => related.get(r))
    .filter((r): r is EntityRow => r?.kind === 'user')
    .sort((a, b) => displayName(a).localeCompare(displayName(b)))
    .slice(0, TEAM_LIST_LIMIT);
  const sections: Section[] = [
    { text: [group.description ?? `Group ${shortRef(group.ref)}`], ...(facts.length ? { fields: facts } : {}) },
    memberRefs.length
      ? { title: `Members (${memberRefs.length})`, list: members.map((m) => ({ text: [userSpan(m)] })), ...(memberRefs.length > members.length ? { more: { count: memberRefs.length - members.length } } : {}) }
      : { title: 'Members (0)', text: ['No members in the catalog.'] },
  ];
  if (childRefs.length) {
    sections.push({
      title: `Teams within (${childRefs.length})`,
      list: childRefs.slice(0, TEAM_LIST_LIMIT).map((r) => {
        const child = related.get(r);
        return { text: [child ? entitySpan(child) : entitySpan(r)], ...(child ? { button: refButton('team', child, `team ${shortRef(child.ref)}`) } : {}) };
      }),
      ...(childRefs.length > TEAM_LIST_LIMIT ? { more: { count: childRefs.length - TEAM_LIST_LIMIT } } : {}),
    });
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total) sections.push(...sectionsByKind(rows, counts, undefined, 'Owns: ', TEAM_LIST_LIMIT));
  else sections.push({ title: 'Owns', text: [`${name} owns nothing in the catalog directly.`] });
  return {
    summary: `${name}: ${memberRefs.length} member${memberRefs.length === 1 ? '' : 's'}, owns ${total} ${total === 1 ? 'entity' : 'entities'}.`,
    header: `Team ${name}`,
    sections,
  };
}

async function myTeams(ctx: CommandContext): Promise<Reply> {
  const userRef = ctx.requester.userRef;
  const user = userRef ? await getEntity(ctx.db, userRef) : undefined;
  if (!userRef || !user) {
    const usage = usageReply(teamCommand, "needs a team name: I don't know which catalog user you are");
    return { ...usage, context: identityHint({ ...ctx.requester, userRef: undefined }) };
  }
  // "My teams" is identity data: memberships declared in org sources only.
  const groups = [...(await orgGroupsOf(ctx.db, user.ref))];
  const rows = await getEntities(ctx.db, groups);
  const known = groups.map((g) => rows.get(g)).filter((g): g is EntityRow => Boolean(g));
  if (known.length === 1) return teamReply(known[0], ctx);
  if (!known.length) {
    return {
      summary: `${displayName(user)} is not a member of any team in the catalog.`,
      sections: [{ text: [userSpan(user), ' is not a member of any team in the catalog. Try ', { type: 'code', text: teamCommand.example }, '.'] }],
      context: identityHint(ctx.requester),
    };
  }
  return {
    summary: `${displayName(user)} is in ${known.length} teams: ${known.map((g) => displayName(g)).join(', ')}.`,
    header: 'Your teams',
    sections: [{ text: [userSpan(user), ` is in ${known.length} teams:`], list: known.map((g) => ({ text: [entitySpan(g)], ...(g.description ? { detail: [g.description] } : {}), button: refButton('team', g, `team ${shortRef(g.ref)}`) })) }],
  };
}

export const teamCommand: Command = {
  name: 'team',
  aliases: ['group'],
  summary: 'A team: its members, child teams, channel and everything it owns (your teams without an argument)',
  usage: 'team [group]',
  example: 'team payments',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return myTeams(ctx);
    const resolution = await resolveEntity(ctx.db, text, { kinds: ['group'], defaultKind: 'group' });
    if (resolution.status !== 'found') return unresolvedReply('team', text, resolution);
    return teamReply(resolution.entity, ctx);
  },
};
