/**
 * `deps system:payments` (or a domain): the dependencies of all the system's parts, as the system
 * sees them from outside: what its parts need that lives elsewhere, and what elsewhere needs them.
 * Links between two parts of the same system are counted, not listed.
 */
import { displayName } from '../catalog/entity-view.js';
import { getEntities, relationsFrom, type EntityRow, type RelationRow } from '../catalog/queries.js';
import { shortRef } from '../catalog/refs.js';
import { LIST_LIMIT, entitySpan, kindLabel } from './catalog-spans.js';
import { partsOf } from './contents.js';
import { joinSpans, type ListItem, type Reply, type RichText, type Section } from '../reply/reply.js';
import type { CommandContext } from './types.js';

/** Parts named per outside entity ("needed by a, b, c and 2 more"). */
const VIA_LIMIT = 3;

function span(rows: Map<string, EntityRow>, ref: string) {
  const row = rows.get(ref);
  return row ? entitySpan(row) : { type: 'entity' as const, ref, text: `${shortRef(ref)} (not in the catalog)` };
}

/** Outside targets of one relation type, each with the parts that hold the relation. */
function outside(rels: RelationRow[], type: string, inside: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rels) {
    if (r.type !== type || !inside.has(r.sourceRef) || inside.has(r.targetRef)) continue;
    out.set(r.targetRef, [...new Set([...(out.get(r.targetRef) ?? []), r.sourceRef])]);
  }
  return out;
}

function section(title: string, via: string, found: Map<string, string[]>, rows: Map<string, EntityRow>): Section | undefined {
  if (!found.size) return undefined;
  const refs = [...found.keys()].sort();
  const items: ListItem[] = refs.slice(0, LIST_LIMIT).map((ref) => {
    const parts = found.get(ref)!;
    const detail: RichText = [`${via} `, ...joinSpans(parts.slice(0, VIA_LIMIT).map((p) => [span(rows, p)]))];
    if (parts.length > VIA_LIMIT) detail.push(` and ${parts.length - VIA_LIMIT} more`);
    const row = rows.get(ref);
    return {
      text: [span(rows, ref), ...(row ? [` — ${kindLabel(row.kind)}`] : [])],
      detail,
      ...(row ? { button: { label: 'Owner', action: { type: 'command' as const, command: `owner ${ref}` } } } : {}),
    };
  });
  return { title: `${title} (${refs.length})`, list: items, ...(refs.length > LIST_LIMIT ? { more: { count: refs.length - LIST_LIMIT } } : {}) };
}

export async function containerDepsReply(root: EntityRow, ctx: CommandContext): Promise<Reply> {
  const { parts } = await partsOf(ctx, root);
  const inside = new Set([root.ref, ...parts]);
  const rels = parts.length ? await relationsFrom(ctx.db, parts, ['dependsOn', 'dependencyOf', 'consumesApi', 'providesApi', 'apiConsumedBy']) : [];
  const dependsOn = outside(rels, 'dependsOn', inside);
  const dependents = outside(rels, 'dependencyOf', inside);
  const consumes = outside(rels, 'consumesApi', inside);
  const consumers = outside(rels, 'apiConsumedBy', inside);
  // An API provided by a part but defined in another system: its consumers count as the system's too.
  const internal = rels.filter((r) => (r.type === 'dependsOn' || r.type === 'consumesApi') && inside.has(r.targetRef)).length;
  const refs = new Set([...parts, ...dependsOn.keys(), ...dependents.keys(), ...consumes.keys(), ...consumers.keys()]);
  const rows = await getEntities(ctx.db, refs);

  const sections = [
    section('Depends on, outside', 'needed by', dependsOn, rows),
    section('Consumes APIs from outside', 'consumed by', consumes, rows),
    section('Depended on by, outside', 'depends on', dependents, rows),
    section('Its APIs are consumed by, outside', 'consumes', consumers, rows),
  ].filter((s): s is Section => Boolean(s));
  const name = displayName(root);
  sections.push({ text: [`${parts.length} part${parts.length === 1 ? '' : 's'} walked; ${internal} dependenc${internal === 1 ? 'y' : 'ies'} between parts of ${name} not listed.`] });
  const counts = [
    dependsOn.size && `depends on ${dependsOn.size} outside`,
    consumes.size && `consumes ${consumes.size} outside API${consumes.size === 1 ? '' : 's'}`,
    dependents.size && `${dependents.size} outside depend on it`,
    consumers.size && `${consumers.size} outside consume its APIs`,
  ].filter(Boolean);
  return {
    summary: counts.length ? `${shortRef(root.ref)}: ${counts.join(', ')}.` : `${shortRef(root.ref)}'s parts have no recorded dependencies outside it.`,
    header: `Dependencies of ${name} (${kindLabel(root.kind)})`,
    sections,
    buttons: [{ label: `What is in ${name}`, action: { type: 'command', command: `${root.kind} ${root.ref}` } }],
  };
}
