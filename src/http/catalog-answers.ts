/**
 * GET /entities and GET /entities/by-name as plans and answers, apart from Express: a plan reads
 * the request (and refuses bad input), an answer renders what the plan needs once its list and
 * entities are loaded. The Express routes load them from the cache or the database; the fast path
 * (catalog-fast-path.ts) answers only when everything is already in the cache. Both send the same.
 */
import { z } from 'zod';
import { refOf } from '../catalog/refs.js';
import { decodeCursor, encodeCursor, integer, noQuery, parseOrder, queryReader, strings } from './api-params.js';
import { listEtag, renderItems } from './catalog-api-context.js';
import { jsonArray, type EntityBody } from './entity-bodies.js';
import { parseEntityFilter } from './entity-filter.js';
import { parseFields, type EntityJson } from './entity-json.js';
import type { ListSpec, Matches } from './entity-list.js';
import { notFound } from './errors.js';

export interface Answer {
  body: Buffer;
  etag: string;
  /** A `Link` header (the next page of GET /entities). */
  link?: string;
}

type Query = { query?: unknown };

const afterCursor = z.object({ offset: z.number().int().min(0) });
const entitiesQuery = queryReader(
  { filter: strings.optional(), fields: strings.optional(), order: strings.optional(), limit: integer('limit').optional(), offset: integer('offset').optional(), after: z.string().optional() },
  { filter: 'strings', fields: 'strings', order: 'strings', limit: 'integer', offset: 'integer', after: 'string' },
);

export interface EntitiesPlan {
  spec: ListSpec;
  offset: number;
  limit?: number;
  transform?: (e: EntityJson) => Record<string, unknown>;
}

export function planEntities(req: Query): EntitiesPlan {
  const query = entitiesQuery(req);
  const filter = parseEntityFilter(query.filter);
  const transform = parseFields(query.fields);
  const order = parseOrder(query.order);
  const offset = query.after !== undefined ? decodeCursor(afterCursor, query.after).offset : (query.offset ?? 0);
  return { spec: { filter, order }, offset, limit: query.limit, transform };
}

/** The refs of the page the plan shows. */
export function entitiesPage(plan: EntitiesPlan, matches: Matches): { refs: string[]; end: number } {
  const end = plan.limit === undefined ? matches.refs.length : Math.min(matches.refs.length, plan.offset + plan.limit);
  return { refs: matches.refs.slice(plan.offset, end), end };
}

/** `originalUrl`: the request's path and query, for the next page's link. */
export function answerEntities(plan: EntitiesPlan, matches: Matches, loaded: Map<string, EntityBody>, originalUrl: string): Answer {
  const { refs, end } = entitiesPage(plan, matches);
  const present = refs.filter((r) => loaded.has(r));
  let link: string | undefined;
  if (plan.limit !== undefined && end < matches.refs.length) {
    // As Backstage does: the next page's URL, with `after` in place of `offset`.
    const url = new URL(`http://ignored${originalUrl}`);
    url.searchParams.delete('offset');
    url.searchParams.set('after', encodeCursor({ offset: end }));
    link = `<${url.pathname}${url.search}>; rel="next"`;
  }
  return {
    body: jsonArray(renderItems(present, loaded, plan.transform)),
    etag: listEtag(
      present.map((r) => loaded.get(r)),
      originalUrl,
    ),
    link,
  };
}

/** The ref by-name asks for (no query parameters are taken). */
export function planByName(req: Query, params: { kind: string; namespace: string; name: string }): string {
  noQuery(req);
  return refOf(params);
}

export function answerByName(params: { kind: string; namespace: string; name: string }, body: EntityBody | undefined): Answer {
  const { kind, namespace, name } = params;
  if (!body) throw notFound(`No entity named '${name}' found, with kind '${kind}' in namespace '${namespace}'`);
  return { body: body.body, etag: `"${body.etag}"` };
}
