/**
 * GET /entities/by-query as a plan and an answer (see catalog-answers.ts for why apart from
 * Express), with Backstage's semantics: by-query sorts by one field and leaves out entities without
 * it, full-text matches `%term%` on the lower-cased values of the given fields (by default the sort
 * field, else metadata.uid), and a cursor carries the query it continues.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor, integer, parseOrderFields, queryReader, strings, type OrderField } from './api-params.js';
import type { Answer } from './catalog-answers.js';
import { listEtag, renderItems } from './catalog-api-context.js';
import { jsonArray, type EntityBody } from './entity-bodies.js';
import { parseEntityFilter } from './entity-filter.js';
import { parseFields, type EntityJson } from './entity-json.js';
import { positionAfter, type ListSpec, type Matches } from './entity-list.js';
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
}, {
  fields: 'strings',
  limit: 'integer',
  offset: 'integer',
  orderField: 'strings',
  cursor: 'string',
  filter: 'strings',
  totalItems: ['include', 'exclude'],
  fullTextFilterTerm: 'string',
  fullTextFilterFields: 'strings',
});

export interface ByQueryPlan {
  spec: ListSpec;
  limit: number;
  offset?: number;
  fields?: string[];
  transform?: (e: EntityJson) => Record<string, unknown>;
  cursor?: Cursor;
  base: Omit<Cursor, 'value' | 'ref' | 'isPrevious'>;
}

export function planByQuery(req: { query?: unknown }): ByQueryPlan {
  const q = byQueryQuery(req);
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
  const spec: ListSpec = { filter: parseEntityFilter(base.filter), order: base.orderFields, fullText: base.fullText, requireSortValue: true };
  return { spec, limit: q.limit ?? DEFAULT_QUERY_LIMIT, offset: q.offset, fields: q.fields, transform: parseFields(q.fields), cursor, base };
}

/**
 * Where a page starts and ends in the matched refs (GET and POST by-query alike): from `offset` on a
 * first request, after the cursor's row going forwards, or the page ending just before it going back.
 */
export function pageOf(matches: Matches, order: OrderField[], limit: number, offset: number | undefined, cursor?: { value: string | null; ref: string; isPrevious?: boolean }): { start: number; end: number; refs: string[] } {
  const total = matches.refs.length;
  let start: number;
  let end: number;
  if (!cursor) {
    start = Math.min(offset ?? 0, total);
    end = Math.min(total, start + limit);
  } else if (!cursor.isPrevious) {
    start = positionAfter(matches, order, cursor.value, cursor.ref);
    end = Math.min(total, start + limit);
  } else {
    end = positionAfter(matches, order, cursor.value, cursor.ref);
    if (matches.refs[end - 1] === cursor.ref) end -= 1;
    start = Math.max(0, end - limit);
  }
  return { start, end, refs: matches.refs.slice(start, end) };
}

/** Where the page starts and ends in the matched refs. */
export function byQueryPage(plan: ByQueryPlan, matches: Matches): { start: number; end: number; refs: string[] } {
  return pageOf(matches, plan.base.orderFields, plan.limit, plan.offset, plan.cursor);
}

export function answerByQuery(plan: ByQueryPlan, matches: Matches, loaded: Map<string, EntityBody>): Answer {
  const { start, end, refs } = byQueryPage(plan, matches);
  const { base, cursor, limit } = plan;
  const order = base.orderFields;
  const total = matches.refs.length;
  const present = refs.filter((r) => loaded.has(r));
  const at = (i: number) => ({ value: order.length ? (matches.values[i] ?? null) : null, ref: matches.refs[i] });
  const totalItems = base.exclude ? 0 : total;
  const carried = { ...base, totalItems };
  const pageInfo: Record<string, string> = {};
  if (limit > 0 && end < total && refs.length) pageInfo.nextCursor = encodeCursor({ ...carried, ...at(end - 1), isPrevious: false });
  if (cursor && start > 0 && refs.length) pageInfo.prevCursor = encodeCursor({ ...carried, ...at(start), isPrevious: true });
  const tail = `,"totalItems":${totalItems},"pageInfo":${JSON.stringify(pageInfo)}}`;
  const body = jsonArray(renderItems(present, loaded, plan.transform), '{"items":', tail);
  return {
    body,
    etag: listEtag(
      present.map((r) => loaded.get(r)),
      JSON.stringify(plan.fields ?? []),
      tail,
    ),
  };
}
