/**
 * GET /entities/by-query (cursor paging, orderField, fullTextFilter, totalItems) and
 * GET /entity-facets, with Backstage's semantics: by-query sorts by one field and leaves out
 * entities without it, full-text matches `%term%` on the lower-cased values of the given fields
 * (by default the sort field, else metadata.uid), and a cursor carries the query it continues.
 */
import type express from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor, integer, parseOrderFields, queryReader, strings, type OrderField } from './api-params.js';
import { listEtag, renderItems, sendJson, wrap, type CatalogApiContext } from './catalog-api-context.js';
import { jsonArray, parseBody } from './entity-bodies.js';
import { parseEntityFilter, searchIndexOf } from './entity-filter.js';
import { parseFields } from './entity-json.js';
import { positionAfter, type ListSpec } from './entity-list.js';
import { inputError } from './errors.js';

export const DEFAULT_QUERY_LIMIT = 200;

const cursorSchema = z.object({
  filter: z.array(z.string()).max(50).optional(),
  orderFields: z.array(z.object({ field: z.string(), order: z.enum(['asc', 'desc']) })).max(1),
  fullText: z.object({ term: z.string(), fields: z.array(z.string()) }).optional(),
  /** The row the page starts after (forwards) or before (backwards): first sort value and ref. */
  value: z.string().nullable(),
  ref: z.string(),
  isPrevious: z.boolean(),
  totalItems: z.number().int().optional(),
  exclude: z.boolean().optional(),
});
type Cursor = z.output<typeof cursorSchema>;

const byQueryQuery = queryReader({
  fields: strings.optional(),
  limit: integer('limit').optional(),
  offset: integer('offset').optional(),
  orderField: strings.optional(),
  cursor: z.string().optional(),
  filter: strings.optional(),
  totalItems: z.enum(['include', 'exclude'], { message: "Invalid totalItems, expected 'include' or 'exclude'" }).optional(),
  fullTextFilterTerm: z.string().optional(),
  fullTextFilterFields: strings.optional(),
});
const facetsQuery = queryReader({ facet: strings, filter: strings.optional() });

export function queryRoutes(router: express.Router, ctx: CatalogApiContext): void {
  router.get(
    '/entities/by-query',
    wrap(async (req, res) => {
      const q = byQueryQuery(req);
      const limit = q.limit ?? DEFAULT_QUERY_LIMIT;
      const transform = parseFields(q.fields);
      let cursor: Cursor | undefined;
      let base: Omit<Cursor, 'value' | 'ref' | 'isPrevious'>;
      if (q.cursor !== undefined) {
        if (q.filter || q.orderField || q.fullTextFilterTerm || q.fullTextFilterFields || q.offset !== undefined) throw inputError('Invalid query: a cursor carries the query it continues; send only cursor, limit and fields with it');
        cursor = decodeCursor(cursorSchema, q.cursor);
        base = { filter: cursor.filter, orderFields: cursor.orderFields, fullText: cursor.fullText, totalItems: cursor.totalItems, exclude: cursor.exclude };
      } else {
        const orderFields = parseOrderFields(q.orderField).slice(0, 1);
        const term = q.fullTextFilterTerm?.trim();
        const fullText = term ? { term, fields: q.fullTextFilterFields?.length ? q.fullTextFilterFields : [orderFields[0]?.field ?? 'metadata.uid'] } : undefined;
        base = { filter: q.filter, orderFields, fullText, exclude: q.totalItems === 'exclude' };
      }
      const order: OrderField[] = base.orderFields;
      const spec: ListSpec = { filter: parseEntityFilter(base.filter), order, fullText: base.fullText, requireSortValue: true };
      const matches = await ctx.lists.matches(spec);
      const total = matches.refs.length;

      let start: number;
      let end: number;
      if (!cursor) {
        start = Math.min(q.offset ?? 0, total);
        end = Math.min(total, start + limit);
      } else if (!cursor.isPrevious) {
        start = positionAfter(matches, order, cursor.value, cursor.ref);
        end = Math.min(total, start + limit);
      } else {
        // The page that ends just before the cursor's row.
        end = positionAfter(matches, order, cursor.value, cursor.ref);
        if (matches.refs[end - 1] === cursor.ref) end -= 1;
        start = Math.max(0, end - limit);
      }
      const refs = matches.refs.slice(start, end);
      const loaded = await ctx.bodies.load(refs);
      const present = refs.filter((r) => loaded.has(r));
      const at = (i: number) => ({ value: order.length ? (matches.values[i] ?? null) : null, ref: matches.refs[i] });
      const totalItems = base.exclude ? 0 : total;
      const carried = { ...base, totalItems };
      const pageInfo: Record<string, string> = {};
      if (limit > 0 && end < total && refs.length) pageInfo.nextCursor = encodeCursor({ ...carried, ...at(end - 1), isPrevious: false });
      if (cursor && start > 0 && refs.length) pageInfo.prevCursor = encodeCursor({ ...carried, ...at(start), isPrevious: true });
      const tail = `,"totalItems":${totalItems},"pageInfo":${JSON.stringify(pageInfo)}}`;
      const body = jsonArray(renderItems(present, loaded, transform), '{"items":', tail);
      sendJson(res, body, listEtag(present.map((r) => loaded.get(r)), JSON.stringify(q.fields ?? []), tail));
    }),
  );

  router.get(
    '/entity-facets',
    wrap(async (req, res) => {
      const q = facetsQuery(req);
      const facets = [...new Set(q.facet.map((f) => f.trim()).filter(Boolean))];
      if (!facets.length) throw inputError('Missing facet parameter');
      if (facets.length > 50) throw inputError('At most 50 facets per request');
      const key = `f:${JSON.stringify([facets, q.filter ?? []])}`;
      const hit = ctx.cache.get<Buffer>(key);
      if (hit) return sendJson(res, hit, listEtag([], key, hit.toString('utf8')));
      const generation = ctx.cache.readGeneration();
      const matches = await ctx.lists.matches({ filter: parseEntityFilter(q.filter), order: [] });
      // Counts of each value as written, per facet key (lower-cased, as Backstage's search keys).
      const counts = new Map<string, Map<string, number>>(facets.map((f) => [f.toLocaleLowerCase('en-US'), new Map()]));
      for (let i = 0; i < matches.refs.length; i += 1000) {
        const loaded = await ctx.bodies.load(matches.refs.slice(i, i + 1000));
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
      const body = Buffer.from(JSON.stringify({ facets: out }));
      ctx.cache.put(key, body, body.length, generation);
      sendJson(res, body, listEtag([], key, body.toString('utf8')));
    }),
  );
}
