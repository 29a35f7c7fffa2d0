/**
 * Backstage's entity facets: counts of each facet's values as written (facet keys lower-cased, as its
 * search keys are), over the entities a filter or predicate selected. Shared by the GET and POST forms.
 */
import type { CatalogApiContext } from './catalog-api-context.js';
import { parseBody } from './entity-bodies.js';
import { searchIndexOf } from './entity-filter.js';

/** Counts of each facet's values as written, over the entities in `refs`. */
export async function countFacets(ctx: CatalogApiContext, refs: string[], facets: string[]): Promise<Record<string, Array<{ value: string; count: number }>>> {
  const counts = new Map<string, Map<string, number>>(facets.map((f) => [f.toLocaleLowerCase('en-US'), new Map()]));
  for (let i = 0; i < refs.length; i += 1000) {
    const loaded = await ctx.bodies.load(refs.slice(i, i + 1000));
    for (const b of loaded.values()) {
      const entity = parseBody(b);
      const index = searchIndexOf(entity, entity.relations as Array<{ type: string; targetRef: string }>, { keepCase: true });
      for (const [facet, values] of counts) {
        for (const v of index.get(facet) ?? []) if (v !== null) values.set(v, (values.get(v) ?? 0) + 1);
      }
    }
  }
  const out: Record<string, Array<{ value: string; count: number }>> = {};
  for (const facet of facets) {
    const values = counts.get(facet.toLocaleLowerCase('en-US'))!;
    out[facet] = [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([value, count]) => ({ value, count }));
  }
  return out;
}
