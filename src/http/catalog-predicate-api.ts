/**
 * The predicate forms of the catalog API (Backstage's CatalogClient sends these when a caller passes
 * `query`): POST /entities/by-query (plan and answer in catalog-predicate-query.ts) and POST
 * /entity-facets; POST /entities/by-refs takes `query` too (catalog-api.ts, with predicateHolds).
 *
 * Which entities a predicate selects is computed once per catalog generation and kept in the API
 * cache, like the GET forms' lists: the part of the predicate a filter can say is pushed to the
 * database through the GET filter code (entity-list.ts), the rest is judged entity by entity.
 */
import type express from 'express';
import { z } from 'zod';
import type { OrderField } from './api-params.js';
import { parseOrThrow } from './api-params.js';
import { listEtag, sendJson, wrap, type CatalogApiContext } from './catalog-api-context.js';
import { answerByPredicate, planByPredicate, predicatePage } from './catalog-predicate-query.js';
import { parseBody, type EntityBody } from './entity-bodies.js';
import { searchIndexOf } from './entity-filter.js';
import type { Matches } from './entity-list.js';
import { parsePredicate, type Predicate } from './entity-predicate.js';
import { matchesPredicate, necessaryFilter } from './entity-predicate-match.js';
import { inputError } from './errors.js';
import { countFacets } from './facet-counts.js';

const CHUNK = 1000;
const MAX_FACETS = 50;

const facetsBody = z
  .object({
    facets: z.array(z.string(), { required_error: 'Missing or empty facets parameter', invalid_type_error: 'facets must be an array of strings' }),
    query: z.unknown().optional(),
  })
  .strict();

/** Whether the entity in `body` satisfies `predicate`. */
export function predicateHolds(body: EntityBody, predicate: Predicate): boolean {
  const entity = parseBody(body);
  return matchesPredicate(searchIndexOf(entity, entity.relations as Array<{ type: string; targetRef: string }>), predicate);
}

export interface PredicateSpec {
  predicate: Predicate;
  order: OrderField[];
  fullText?: { term: string; fields: string[] };
  requireSortValue?: boolean;
}

/** The refs (in answer order) of entities the predicate selects, cached per generation. */
export async function predicateMatches(ctx: CatalogApiContext, spec: PredicateSpec): Promise<Matches> {
  const key = `p:${JSON.stringify(spec)}`;
  const pushed = necessaryFilter(spec.predicate);
  const list = { filter: pushed.filter, order: spec.order, fullText: spec.fullText, requireSortValue: spec.requireSortValue };
  // A predicate a filter says exactly (what catalog-client sends for `filter`) is the GET lists' answer.
  if (pushed.exact) return ctx.lists.matches(list);
  const hit = ctx.cache.get<Matches>(key);
  if (hit) return hit;
  const generation = ctx.cache.readGeneration();
  const candidates = await ctx.lists.matches(list);
  const result: Matches = { refs: [], values: [] };
  for (let i = 0; i < candidates.refs.length; i += CHUNK) {
    const part = candidates.refs.slice(i, i + CHUNK);
    const loaded = await ctx.bodies.load(part);
    part.forEach((ref, j) => {
      const body = loaded.get(ref);
      if (!body || !predicateHolds(body, spec.predicate)) return;
      result.refs.push(ref);
      if (spec.order.length) result.values.push(candidates.values[i + j] ?? null);
    });
  }
  let bytes = 0;
  for (const r of result.refs) bytes += r.length * 2 + 16;
  for (const v of result.values) bytes += (v?.length ?? 0) * 2 + 16;
  ctx.cache.put(key, result, bytes, generation);
  return result;
}

export function predicateRoutes(router: express.Router, ctx: CatalogApiContext): void {
  router.post(
    '/entities/by-query',
    wrap(async (req, res) => {
      const plan = planByPredicate(req.body);
      const matches = await predicateMatches(ctx, { predicate: plan.predicate, order: plan.order, fullText: plan.fullText, requireSortValue: true });
      const loaded = await ctx.bodies.load(predicatePage(plan, matches).refs);
      const answer = answerByPredicate(plan, matches, loaded);
      sendJson(res, answer.body, answer.etag);
    }),
  );

  router.post(
    '/entity-facets',
    wrap(async (req, res) => {
      const body = parseOrThrow(facetsBody, req.body ?? {}, 'body');
      const facets = [...new Set(body.facets.map((f) => f.trim()).filter(Boolean))];
      if (!facets.length) throw inputError('Missing or empty facets parameter');
      if (facets.length > MAX_FACETS) throw inputError(`At most ${MAX_FACETS} facets per request`);
      const predicate = parsePredicate(body.query ?? {});
      const key = `pf:${JSON.stringify([facets, predicate])}`;
      const hit = ctx.cache.get<Buffer>(key);
      if (hit) return sendJson(res, hit, listEtag([], key, hit.toString('utf8')));
      const generation = ctx.cache.readGeneration();
      const matches = await predicateMatches(ctx, { predicate, order: [] });
      const answer = Buffer.from(JSON.stringify({ facets: await countFacets(ctx, matches.refs, facets) }));
      ctx.cache.put(key, answer, answer.length, generation);
      sendJson(res, answer, listEtag([], key, answer.toString('utf8')));
    }),
  );
}
