/**
 * What a System or Domain contains, by kind, each part with its owner: shared by `system` and
 * `domain`, and by `deps system:x` (which walks the dependencies of the parts).
 */
import { displayName } from '../catalog/entity-view.js';
import { getEntities, relationsFrom, type EntityRow } from '../catalog/queries.js';
import { shortRef } from '../catalog/refs.js';
import { entitySpan, kindLabel, refButton } from './catalog-spans.js';
import type { Field, Reply, Section } from '../reply/reply.js';
import type { CommandContext } from './types.js';

/** Parts listed per kind before "and N more". */
const PARTS_LIMIT = 25;
/** Most parts read for one answer: a domain of many large systems stays one bounded query. */
const MAX_PARTS = 2000;

/** The parts of the given Systems/Domains (`hasPart`), and for Domains the parts of their Systems too. */
export async function partsOf(ctx: CommandContext, root: EntityRow): Promise<{ systems: string[]; parts: string[] }> {
  const direct = [...new Set((await relationsFrom(ctx.db, [root.ref], ['hasPart'])).map((r) => r.targetRef))];
  if (root.kind !== 'domain') return { systems: [], parts: direct.slice(0, MAX_PARTS) };
  const systems = direct.filter((r) => r.startsWith('system:'));
  const inner = systems.length ? (await relationsFrom(ctx.db, systems, ['hasPart'])).map((r) => r.targetRef) : [];
  return { systems, parts: [...new Set([...direct, ...inner])].slice(0, MAX_PARTS) };
}

const kindSequence = ['domain', 'system', 'component', 'api', 'resource'];
const order = (kind: string) => (kindSequence.includes(kind) ? kindSequence.indexOf(kind) : kindSequence.length);

function ownerText(row: EntityRow, owners: Map<string, EntityRow>) {
  if (!row.ownerRef) return ['no owner'];
  const owner = owners.get(row.ownerRef);
  return ['owned by ', owner ? entitySpan(owner) : { type: 'code' as const, text: `${shortRef(row.ownerRef)} (not in the catalog)` }];
}

/** `system <name>` / `domain <name>`: facts, then one section per kind with each part's owner. */
export async function contentsReply(root: EntityRow, ctx: CommandContext): Promise<Reply> {
  const { parts } = await partsOf(ctx, root);
  const rows = await getEntities(ctx.db, parts);
  const found = parts.map((r) => rows.get(r)).filter((r): r is EntityRow => Boolean(r));
  const ownerRefs = new Set([root.ownerRef, ...found.map((r) => r.ownerRef)].filter((r): r is string => Boolean(r)));
  const upRefs = (await relationsFrom(ctx.db, [root.ref], ['partOf'])).map((r) => r.targetRef);
  const owners = await getEntities(ctx.db, [...ownerRefs, ...upRefs]);

  const facts: Field[] = [{ label: 'Kind', value: [kindLabel(root.kind)] }];
  if (root.ownerRef) facts.push({ label: 'Owner', value: ownerText(root, owners).slice(1) as Field['value'] });
  for (const up of upRefs) facts.push({ label: up.startsWith('domain:') ? 'Domain' : 'Part of', value: [owners.get(up) ? entitySpan(owners.get(up)!) : entitySpan(up)] });
  const sections: Section[] = [{ text: [root.description ?? `${kindLabel(root.kind)} ${shortRef(root.ref)}`], fields: facts }];

  const byKind = new Map<string, EntityRow[]>();
  for (const row of found) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  const kinds = [...byKind.keys()].sort((a, b) => order(a) - order(b));
  for (const kind of kinds) {
    const list = byKind.get(kind)!.sort((a, b) => displayName(a).localeCompare(displayName(b)));
    const shown = list.slice(0, PARTS_LIMIT);
    sections.push({
      title: `${kindLabel(kind, true)} (${list.length})`,
      list: shown.map((row) => ({
        text: [entitySpan(row), ...(row.type ? [` — ${row.type}`] : []), ...(row.lifecycle ? [`, ${row.lifecycle}`] : [])],
        detail: ownerText(row, owners),
        ...(kind === 'system' ? { button: refButton('system', row, `system ${shortRef(row.ref)}`) } : {}),
      })),
      ...(list.length > shown.length ? { more: { count: list.length - shown.length } } : {}),
    });
  }
  const missing = parts.length - found.length;
  if (missing > 0) sections.push({ text: [`${missing} part${missing === 1 ? ' is' : 's are'} named but not in the catalog.`] });
  if (!found.length) sections.push({ text: [`${displayName(root)} has no parts in the catalog.`] });

  const counts = kinds.map((k) => `${byKind.get(k)!.length} ${kindLabel(k, byKind.get(k)!.length !== 1).toLocaleLowerCase('en-US')}`);
  const teams = [...new Set(found.map((r) => r.ownerRef).filter((r): r is string => Boolean(r)))];
  const teamNames = teams.slice(0, 5).map((t) => (owners.get(t) ? displayName(owners.get(t)!) : shortRef(t)));
  return {
    summary: `${displayName(root)} (${kindLabel(root.kind)}) contains ${counts.length ? counts.join(', ') : 'nothing'}${teamNames.length ? `; owned by ${teamNames.join(', ')}${teams.length > 5 ? ' and others' : ''}` : ''}.`,
    header: `${displayName(root)} (${kindLabel(root.kind)})`,
    sections,
    buttons: [
      { label: 'Dependencies', action: { type: 'command', command: `deps ${root.ref}` } },
      { label: 'Owner', action: { type: 'command', command: `owner ${root.ref}` } },
    ],
  };
}
