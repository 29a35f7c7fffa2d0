/**
 * `deps <name>`: what it depends on and what depends on it, two levels deep, and the APIs it
 * provides (with their consumers) and consumes (with their providers).
 */
import { getEntities, relationsFrom, type EntityRow, type RelationRow } from '../catalog/queries.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { shortRef } from '../catalog/refs.js';
import { displayName } from '../catalog/entity-view.js';
import { usageReply } from './args.js';
import { containerDepsReply } from './deps-system.js';
import { LIST_LIMIT, entitySpan, kindLabel, unresolvedReply } from './catalog-spans.js';
import { joinSpans, type ListItem, type Reply, type RichText, type Section, type Span } from '../reply/reply.js';
import type { Command } from './types.js';

/** Second-level refs shown per first-level item. */
const NESTED_LIMIT = 5;

function targetsOf(rels: RelationRow[], source: string, type: string): string[] {
  return [...new Set(rels.filter((r) => r.sourceRef === source && r.type === type).map((r) => r.targetRef))];
}

function span(rows: Map<string, EntityRow>, ref: string): Span {
  const row = rows.get(ref);
  return row ? entitySpan(row) : { type: 'entity', ref, text: `${shortRef(ref)} (not in the catalog)` };
}

function nested(rows: Map<string, EntityRow>, label: string, refs: string[]): RichText | undefined {
  if (!refs.length) return undefined;
  const shown = refs.slice(0, NESTED_LIMIT).map((r) => [span(rows, r)]);
  const out: RichText = [`${label} `, ...joinSpans(shown)];
  if (refs.length > NESTED_LIMIT) out.push(` and ${refs.length - NESTED_LIMIT} more`);
  return out;
}

function section(title: string, refs: string[], rows: Map<string, EntityRow>, detail: (ref: string) => RichText | undefined, more: string): Section | undefined {
  if (!refs.length) return undefined;
  const items: ListItem[] = refs.slice(0, LIST_LIMIT).map((ref) => {
    const row = rows.get(ref);
    const d = detail(ref);
    return { text: [span(rows, ref), ...(row ? [` — ${kindLabel(row.kind)}`] : [])], ...(d ? { detail: d } : {}) };
  });
  return { title: `${title} (${refs.length})`, list: items, ...(refs.length > LIST_LIMIT ? { more: { count: refs.length - LIST_LIMIT, command: more } } : {}) };
}

export const depsCommand: Command = {
  name: 'deps',
  aliases: ['dependencies'],
  summary: 'What it depends on, what depends on it (two levels), and the APIs it provides and consumes',
  usage: 'deps <name or ref>',
  example: 'deps payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(depsCommand);
    const resolution = await resolveEntity(ctx.db, text);
    if (resolution.status !== 'found') return unresolvedReply('deps', text, resolution);
    const root = resolution.entity;
    // A System's (or Domain's) dependencies are those of its parts.
    if (root.kind === 'system' || root.kind === 'domain') return containerDepsReply(root, ctx);
    const first = await relationsFrom(ctx.db, [root.ref], ['dependsOn', 'dependencyOf', 'providesApi', 'consumesApi', 'apiProvidedBy', 'apiConsumedBy']);
    const dependsOn = targetsOf(first, root.ref, 'dependsOn');
    const dependents = targetsOf(first, root.ref, 'dependencyOf');
    const provides = targetsOf(first, root.ref, 'providesApi');
    const consumes = targetsOf(first, root.ref, 'consumesApi');
    const providers = targetsOf(first, root.ref, 'apiProvidedBy');
    const consumers = targetsOf(first, root.ref, 'apiConsumedBy');
    const second = await relationsFrom(ctx.db, [...dependsOn, ...dependents, ...provides, ...consumes], ['dependsOn', 'dependencyOf', 'apiProvidedBy', 'apiConsumedBy']);
    const level2 = (ref: string, type: string) => targetsOf(second, ref, type).filter((r) => r !== root.ref);
    const refs = new Set([...first.map((r) => r.targetRef), ...second.map((r) => r.targetRef)]);
    const rows = await getEntities(ctx.db, refs);

    const sections = [
      section('Depends on', dependsOn, rows, (r) => nested(rows, 'which depends on', level2(r, 'dependsOn')), `deps ${root.ref}`),
      section('Depended on by', dependents, rows, (r) => nested(rows, 'which is depended on by', level2(r, 'dependencyOf')), `deps ${root.ref}`),
      section('Provides APIs', provides, rows, (r) => nested(rows, 'consumed by', level2(r, 'apiConsumedBy')), `deps ${root.ref}`),
      section('Consumes APIs', consumes, rows, (r) => nested(rows, 'provided by', level2(r, 'apiProvidedBy')), `deps ${root.ref}`),
      section('Provided by', providers, rows, () => undefined, `deps ${root.ref}`),
      section('Consumed by', consumers, rows, () => undefined, `deps ${root.ref}`),
    ].filter((s): s is Section => Boolean(s));
    const name = displayName(root);
    const counts = [
      dependsOn.length && `depends on ${dependsOn.length}`,
      dependents.length && `${dependents.length} depend on it`,
      provides.length && `provides ${provides.length} API${provides.length === 1 ? '' : 's'}`,
      consumes.length && `consumes ${consumes.length} API${consumes.length === 1 ? '' : 's'}`,
      providers.length && `${providers.length} provide it`,
      consumers.length && `${consumers.length} consume it`,
    ].filter(Boolean);
    const reply: Reply = {
      summary: counts.length ? `${shortRef(root.ref)}: ${counts.join(', ')}.` : `${shortRef(root.ref)} has no recorded dependencies or APIs.`,
      header: `Dependencies of ${name} (${kindLabel(root.kind)})`,
      sections: sections.length ? sections : [{ text: [`${name} has no recorded dependencies, dependents or APIs.`] }],
      buttons: [{ label: 'Owner', action: { type: 'command', command: `owner ${root.ref}` } }],
    };
    return reply;
  },
};
