/**
 * POST /entities/by-query (the predicate form Backstage's CatalogClient uses when given `query`) as
 * a plan and an answer, with the semantics of the GET form (catalog-by-query.ts): one sort field,
 * entities without it left out, full text on lower-cased values, cursors forwards and back.
 *
 * Its cursor carries the predicate under `query`: that key is how the client decides to send the
 * next page here rather than to the GET form (cursorContainsQuery in catalog-client), and the
 * position lives under `at`, so the GET form refuses such a cursor instead of dropping the query.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor, parseOrThrow, type OrderField } from './api-params.js';
import type { Answer } from './catalog-answers.js';
import { listEtag, renderItems } from './catalog-api-context.js';
import { DEFAULT_QUERY_LIMIT, pageOf } from './catalog-by-query.js';
import { jsonArray, type EntityBody } from './entity-bodies.js';
import { parseFields, type EntityJson } from './entity-json.js';
import { positionAfter, type Matches } from './entity-list.js';
import { parsePredicate, type Predicate } from './entity-predicate.js';
import { inputError } from './errors.js';

const count = (name: string) => z.number({ invalid_type_error: `${name} must be a number` }).int(`${name} must be an integer`).min(0, `${name} must not be negative`);
const orderFields = z.array(z.object({ field: z.string().min(1), order: z.enum(['asc', 'desc'], { message: 'Invalid order field order, must be asc or desc' }) }).strict()).max(50);
const fullTextSchema = z.object({ term: z.string().optional(), fields: z.array(z.string()).max(50).optional() }).strict();

export const byPredicateBody = z
  .object({
    cursor: z.string().min(1, 'Cursor cannot be empty').optional(),
    limit: count('limit').optional(),
    offset: count('offset').optional(),
    orderBy: orderFields.optional(),
    fullTextFilter: fullTextSchema.optional(),
    fields: z.array(z.string()).max(100).optional(),
    totalItems: z.enum(['include', 'exclude'], { message: "Invalid totalItems, expected 'include' or 'exclude'" }).optional(),
    query: z.unknown().optional(),
  })
  .strict();

const cursorSchema = z.object({
  /** The predicate as the client sent it, parsed again on every page. */
  query: z.unknown(),
  orderFields: z.array(z.object({ field: z.string(), order: z.enum(['asc', 'desc']) })).max(1),
  fullText: z.object({ term: z.string(), fields: z.array(z.string()) }).optional(),
  exclude: z.boolean().optional(),
  /** The row the page starts after (forwards) or before (backwards): first sort value and ref. */
  at: z.object({ value: z.string().nullable(), ref: z.string() }),
  isPrevious: z.boolean(),
  totalItems: z.number().int().optional(),
});
type Cursor = z.output<typeof cursorSchema>;
type Base = Omit<Cursor, 'at' | 'isPrevious' | 'totalItems'>;

/** A cursor carries the query (at most MAX_QUERY_CHARS), in base64. */
const MAX_CURSOR = 200_000;


export interface PredicatePlan {
  predicate: Predicate;
  order: OrderField[];
  fullText?: { term: string; fields: string[] };
  limit: number;
  offset?: number;
  fields?: string[];
  transform?: (e: EntityJson) => Record<string, unknown>;
  cursor?: Cursor;
  base: Base;
}

export function planByPredicate(body: unknown): PredicatePlan {
  const b = parseOrThrow(byPredicateBody, body ?? {}, 'body');
  let base: Base;
  let cursor: Cursor | undefined;
  if (b.cursor !== undefined) {
    if (b.query !== undefined || b.orderBy || b.fullTextFilter || b.offset !== undefined || b.totalItems) throw inputError('Invalid query: a cursor carries the query it continues; send only cursor, limit and fields with it');
    cursor = decodeCursor(cursorSchema, b.cursor, MAX_CURSOR);
    base = { query: cursor.query, orderFields: cursor.orderFields, fullText: cursor.fullText, exclude: cursor.exclude };
  } else {
    // Backstage sorts by the first field only.
    const order = (b.orderBy ?? []).slice(0, 1);
    const term = b.fullTextFilter?.term?.trim();
    const fullText = term ? { term, fields: b.fullTextFilter?.fields?.length ? b.fullTextFilter.fields : [order[0]?.field ?? 'metadata.uid'] } : undefined;
    // No query selects everything; `{}` says so and keeps `query` in the cursor.
    base = { query: b.query ?? {}, orderFields: order, fullText, exclude: b.totalItems === 'exclude' };
  }
  return {
    predicate: parsePredicate(base.query),
    order: base.orderFields,
    fullText: base.fullText,
    limit: b.limit ?? DEFAULT_QUERY_LIMIT,
    offset: b.offset,
    fields: b.fields,
    transform: parseFields(b.fields),
    cursor,
    base,
  };
}

/** Where the page starts and ends in the matched refs. */
export function predicatePage(plan: PredicatePlan, matches: Matches): { start: number; end: number; refs: string[] } {
  const { cursor } = plan;
  return pageOf(matches, plan.order, plan.limit, plan.offset, cursor && { value: cursor.at.value, ref: cursor.at.ref, isPrevious: cursor.isPrevious });
}

export function answerByPredicate(plan: PredicatePlan, matches: Matches, loaded: Map<string, EntityBody>): Answer {
  const { start, end, refs } = predicatePage(plan, matches);
  const { base, cursor, limit, order } = plan;
  const total = matches.refs.length;
  const present = refs.filter((r) => loaded.has(r));
  const at = (i: number) => ({ value: order.length ? (matches.values[i] ?? null) : null, ref: matches.refs[i] });
  const totalItems = base.exclude ? 0 : total;
  const pageInfo: Record<string, string> = {};
  if (limit > 0 && end < total && refs.length) pageInfo.nextCursor = encodeCursor({ ...base, totalItems, at: at(end - 1), isPrevious: false });
  if (cursor && start > 0 && refs.length) pageInfo.prevCursor = encodeCursor({ ...base, totalItems, at: at(start), isPrevious: true });
  const tail = `,"totalItems":${totalItems},"pageInfo":${JSON.stringify(pageInfo)}}`;
  const body = jsonArray(renderItems(present, loaded, plan.transform), '{"items":', tail);
  return { body, etag: listEtag(present.map((r) => loaded.get(r)), JSON.stringify(plan.fields ?? []), tail) };
}
