/**
 * `owner <name or ref>`: who owns it and everything needed to reach them: the team, its parent,
 * its members, its channel, on-call, docs, links, where the definition lives and how fresh it is.
 * For a Group or User: what they own.
 */
import { displayName, docsOf, linksOf, onCallOf, sourceOf } from '../catalog/entity-view.js';
import { getEntities, ownedBy, ownedCounts, relationsFrom, type EntityRow, type RelationRow } from '../catalog/queries.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { backstagePageUrl, sourceLocationOf, techDocsUrl } from '../catalog/backstage-links.js';
import { shortRef } from '../catalog/refs.js';
import { ago, isoDate, staleness } from '../catalog/staleness.js';
import { usageReply } from './args.js';
import { onCallSections, pageButton } from './oncall-view.js';
import {
  LIST_LIMIT,
  entitySpan,
  groupChannel,
  kindLabel,
  memberItems,
  refButton,
  sectionsByKind,
  unresolvedReply,
  userSpan,
} from './catalog-spans.js';
import { joinSpans, plain, type Field, type ListItem, type Reply, type RichText, type Section } from '../reply/reply.js';
import type { Command, CommandContext } from './types.js';

const targets = (rels: RelationRow[], source: string, type: string, prefix?: string) =>
  rels.filter((r) => r.sourceRef === source && r.type === type && (!prefix || r.targetRef.startsWith(prefix))).map((r) => r.targetRef);

function freshness(row: EntityRow, ctx: CommandContext): RichText[] {
  const now = ctx.clock.now();
  const s = staleness(row, now, ctx.staleAfterDays);
  const source = sourceOf(row);
  const file: RichText = source.viewUrl ? [{ type: 'link', text: source.path, url: source.viewUrl }] : [{ type: 'code', text: source.path }];
  if (source.editUrl) file.push(' (', { type: 'link', text: 'edit', url: source.editUrl }, ')');
  const changed: RichText = [`Last changed ${isoDate(s.lastChanged)} (${ago(s.lastChanged, now)})`];
  if (s.lastReviewed) changed.push(`, confirmed ${isoDate(s.lastReviewed)}`);
  const stale: RichText = s.stale
    ? [{ type: 'bold', text: 'Stale' }, `: not changed or confirmed for ${s.ageDays} days (limit ${ctx.staleAfterDays})`]
    : [`Up to date (stale after ${ctx.staleAfterDays} days without change or confirmation)`];
  return [['Defined in ', ...file], changed, stale];
}

/** What the owner section shows, read in two statements: the owner's relations, then every row needed. */
interface Surroundings {
  rows: Map<string, EntityRow>;
  parentRef?: string;
  memberRefs: string[];
  domainRef?: string;
}

/**
 * The entity's system, domain, owner, the owner's parent and members: one relations query for all
 * of them and one entity query, instead of a round trip per hop (this is the hottest chat command).
 */
async function surroundings(ctx: CommandContext, row: EntityRow): Promise<Surroundings> {
  const from = [row.ref, row.systemRef, row.ownerRef].filter((r): r is string => Boolean(r));
  const rels = await relationsFrom(ctx.db, from, ['partOf', 'childOf', 'hasMember']);
  const domainRef = targets(rels, row.kind === 'system' ? row.ref : row.systemRef ?? '', 'partOf', 'domain:')[0];
  const parentRef = row.ownerRef ? targets(rels, row.ownerRef, 'childOf')[0] : undefined;
  const memberRefs = row.ownerRef ? targets(rels, row.ownerRef, 'hasMember') : [];
  const wanted = [row.systemRef, domainRef, row.ownerRef, parentRef, ...memberRefs.slice(0, LIST_LIMIT * 2)].filter((r): r is string => Boolean(r));
  const rows = await getEntities(ctx.db, wanted);
  return { rows, memberRefs, ...(parentRef ? { parentRef } : {}), ...(domainRef ? { domainRef } : {}) };
}

function ownerSection(ownerRef: string | null, around: Surroundings): { section: Section; summary: string; owner?: EntityRow } {
  if (!ownerRef) return { section: { title: 'Owner', text: ['No owner is set.'] }, summary: 'has no owner' };
  const { rows, parentRef, memberRefs } = around;
  const owner = rows.get(ownerRef);
  if (!owner) {
    return {
      section: { title: 'Owner', text: [{ type: 'code', text: ownerRef }, ' — not in the catalog: the owner reference points nowhere.'] },
      summary: `is owned by ${shortRef(ownerRef)}, which is not in the catalog`,
    };
  }
  if (owner.kind === 'user') {
    return { section: { title: 'Owner', fields: [{ label: 'Person', value: [userSpan(owner)] }] }, summary: `is owned by ${displayName(owner)}`, owner };
  }
  const fields: Field[] = [{ label: 'Team', value: [entitySpan(owner)] }];
  const parent = parentRef ? rows.get(parentRef) : undefined;
  if (parentRef) fields.push({ label: 'Part of', value: [parent ? entitySpan(parent) : entitySpan(parentRef)] });
  const channel = groupChannel(owner);
  if (channel) fields.push({ label: 'Channel', value: channel });
  const members = memberRefs.flatMap((r) => (rows.get(r)?.kind === 'user' ? [rows.get(r)!] : [])).sort((a, b) => displayName(a).localeCompare(displayName(b)));
  if (memberRefs.length) fields.push({ label: 'Members', value: [String(memberRefs.length)] });
  const section: Section = {
    title: 'Owner',
    fields,
    list: memberItems(members),
    ...(memberRefs.length > Math.min(members.length, LIST_LIMIT) ? { more: { count: memberRefs.length - Math.min(members.length, LIST_LIMIT), command: `team ${owner.ref}` } } : {}),
  };
  if (!memberRefs.length) section.text = ['The team has no members in the catalog.'];
  return { section, summary: `is owned by ${displayName(owner)}${channel ? ` (${plain(channel)})` : ''}`, owner };
}

async function entityReply(row: EntityRow, ctx: CommandContext): Promise<Reply> {
  const around = await surroundings(ctx, row);
  const { rows: context, domainRef } = around;
  const { section: owner, summary, owner: ownerRow } = ownerSection(row.ownerRef, around);

  const facts: Field[] = [{ label: 'Kind', value: [kindLabel(row.kind)] }];
  if (row.type) facts.push({ label: 'Type', value: [row.type] });
  if (row.lifecycle) facts.push({ label: 'Lifecycle', value: [row.lifecycle] });
  if (row.systemRef) facts.push({ label: 'System', value: [context.get(row.systemRef) ? entitySpan(context.get(row.systemRef)!) : entitySpan(row.systemRef)] });
  if (domainRef) facts.push({ label: 'Domain', value: [context.get(domainRef) ? entitySpan(context.get(domainRef)!) : entitySpan(domainRef)] });
  const code = sourceLocationOf(row);
  if (code) facts.push({ label: 'Code', value: [{ type: 'link', text: code.replace(/^https?:\/\//, '').replace(/(\/-)?\/(tree|blob)\/[^/]+\/?$/, ''), url: code }] });
  const backstagePage = backstagePageUrl(row, ctx.backstageUrl);
  if (backstagePage) facts.push({ label: 'Backstage', value: [{ type: 'link', text: 'entity page', url: backstagePage }] });
  const sections: Section[] = [{ text: [row.description ?? 'No description.'], fields: facts }, owner];

  const onCall = onCallOf(row);
  if (onCall) {
    const fields: Field[] = [];
    if (onCall.pagerDutyServiceId) {
      fields.push({
        label: 'PagerDuty',
        value: onCall.pagerDutyServiceUrl ? [{ type: 'link', text: `service ${onCall.pagerDutyServiceId}`, url: onCall.pagerDutyServiceUrl }] : [`service `, { type: 'code', text: onCall.pagerDutyServiceId }],
      });
    } else if (onCall.hasPagerDutyIntegrationKey) fields.push({ label: 'PagerDuty', value: ['integration configured'] });
    if (onCall.opsgenieTeam) fields.push({ label: 'Opsgenie team', value: [onCall.opsgenieTeam] });
    if (onCall.opsgenieComponentSelector) fields.push({ label: 'Opsgenie', value: [{ type: 'code', text: onCall.opsgenieComponentSelector }] });
    // Live answers (PAGERDUTY_TOKEN / OPSGENIE_API_KEY) say who is on call now; the annotations are the fallback.
    const live = await onCallSections(ctx, [row]);
    sections.push(...(live.sections.length ? live.sections : [{ title: 'On-call', fields }]));
  }
  const pageAction = pageButton(ctx, row);

  const docs = docsOf(row);
  const docItems: ListItem[] = [];
  if (docs.techdocsRef) {
    // With BACKSTAGE_URL, `dir:.` and friends become the TechDocs page Backstage builds from them.
    const techdocs = docs.techdocsUrl ?? techDocsUrl(row, ctx.backstageUrl);
    docItems.push({ text: techdocs ? [{ type: 'link', text: 'TechDocs', url: techdocs }] : ['TechDocs: ', { type: 'code', text: docs.techdocsRef }] });
  }
  for (const link of docs.links) docItems.push({ text: [{ type: 'link', text: link.title, url: link.url }] });
  if (docItems.length) sections.push({ title: 'Docs', list: docItems });
  const docUrls = new Set(docs.links.map((l) => l.url));
  const links = linksOf(row).filter((l) => !docUrls.has(l.url));
  if (links.length) {
    sections.push({ title: 'Links', list: links.slice(0, LIST_LIMIT).map((l) => ({ text: [{ type: 'link', text: l.title, url: l.url }] })), ...(links.length > LIST_LIMIT ? { more: { count: links.length - LIST_LIMIT } } : {}) });
  }

  const s = staleness(row, ctx.clock.now(), ctx.staleAfterDays);
  return {
    summary: `${shortRef(row.ref)} ${summary}.${s.stale ? ' Its catalog entry is stale.' : ''}`,
    header: `${displayName(row)} (${kindLabel(row.kind)})`,
    sections,
    context: freshness(row, ctx),
    buttons: [
      { label: 'Dependencies', action: { type: 'command', command: `deps ${row.ref}` } },
      ...(ownerRow?.kind === 'group' ? [{ label: 'Owning team', action: { type: 'command' as const, command: `team ${ownerRow.ref}` } }] : []),
      ...(row.kind === 'system' || row.kind === 'domain' ? [{ label: `What is in it`, action: { type: 'command' as const, command: `${row.kind} ${row.ref}` } }] : []),
      ...(pageAction ? [pageAction] : []),
    ],
  };
}

async function ownsReply(row: EntityRow, ctx: CommandContext): Promise<Reply> {
  const name = displayName(row);
  const rels = await relationsFrom(ctx.db, [row.ref], ['memberOf', 'childOf']);
  const [rows, counts] = await Promise.all([ownedBy(ctx.db, [row.ref], LIST_LIMIT * 10), ownedCounts(ctx.db, [row.ref])]);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const sections: Section[] = [];
  const facts: Field[] = [{ label: 'Kind', value: [kindLabel(row.kind)] }];
  if (row.kind === 'user') {
    facts.push({ label: 'Person', value: [userSpan(row)] });
    const groups = targets(rels, row.ref, 'memberOf');
    if (groups.length) {
      const groupRows = await getEntities(ctx.db, groups);
      facts.push({ label: 'Member of', value: joinSpans(groups.map((g) => [groupRows.get(g) ? entitySpan(groupRows.get(g)!) : entitySpan(g)])) });
    }
  } else {
    const parentRef = targets(rels, row.ref, 'childOf')[0];
    if (parentRef) {
      const parent = (await getEntities(ctx.db, [parentRef])).get(parentRef);
      facts.push({ label: 'Part of', value: [parent ? entitySpan(parent) : entitySpan(parentRef)] });
    }
    const channel = groupChannel(row);
    if (channel) facts.push({ label: 'Channel', value: channel });
  }
  sections.push({ text: [row.description ?? `${kindLabel(row.kind)} ${shortRef(row.ref)}`], fields: facts });
  if (total) sections.push(...sectionsByKind(rows, counts, row.kind === 'group' ? `team ${row.ref}` : undefined, 'Owns: '));
  else sections.push({ text: [`${name} owns nothing in the catalog directly.`] });
  const buttons = row.kind === 'group' ? [refButton('team', row, 'Team details')] : targets(rels, row.ref, 'memberOf').slice(0, 3).map((g) => ({ label: `Team ${shortRef(g)}`, action: { type: 'command' as const, command: `team ${g}` } }));
  return {
    summary: `${name} owns ${total} ${total === 1 ? 'entity' : 'entities'}${total ? `: ${[...counts].map(([k, n]) => `${n} ${kindLabel(k, n !== 1).toLocaleLowerCase('en-US')}`).join(', ')}` : ''}.`,
    header: `${name} (${kindLabel(row.kind)})`,
    sections,
    context: freshness(row, ctx),
    ...(buttons.length ? { buttons } : {}),
  };
}

export const ownerCommand: Command = {
  name: 'owner',
  aliases: ['who', 'whoowns'],
  summary: 'Who owns a service, API, resource or system, and how to reach them',
  usage: 'owner <name or ref>',
  example: 'owner payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(ownerCommand);
    const resolution = await resolveEntity(ctx.db, text);
    if (resolution.status !== 'found') return unresolvedReply('owner', text, resolution);
    const row = resolution.entity;
    return row.kind === 'group' || row.kind === 'user' ? ownsReply(row, ctx) : entityReply(row, ctx);
  },
};
