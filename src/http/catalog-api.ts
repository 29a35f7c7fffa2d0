/**
 * Backstage's catalog API (the routes of its OpenAPI spec that read, plus refresh and validate),
 * mounted under /api/catalog. This file: GET /entities, by-name, its ancestry, POST by-refs;
 * catalog-query-api.ts: by-query and entity-facets; catalog-predicate-api.ts: their POST (predicate)
 * forms; catalog-locations-api.ts: locations, refresh, validate-entity.
 *
 * Entities come from the API cache (entity-cache.ts): serialised once per change generation,
 * answered with an ETag, and 304 when the client already has it.
 */
import express from 'express';
import { z } from 'zod';
import { refOf, tryRef } from '../catalog/refs.js';
import { cachedAnswer, rememberAnswer, ROUTES } from './answer-cache.js';
import { noQuery, parseOrThrow, queryReader, strings } from './api-params.js';
import { answerByName, answerEntities, entitiesPage, planByName, planEntities } from './catalog-answers.js';
import { entityAncestry } from './catalog-ancestry.js';
import { locationRoutes } from './catalog-locations-api.js';
import { predicateHolds, predicateRoutes } from './catalog-predicate-api.js';
import { queryRoutes } from './catalog-query-api.js';
import { listEtag, renderItems, sendJson, wrap, type CatalogApiContext, type CatalogApiOptions } from './catalog-api-context.js';
import { createEntityBodies, jsonArray, parseBody } from './entity-bodies.js';
import { createApiCache } from './entity-cache.js';
import { matchesFilter, parseEntityFilter, searchIndexOf } from './entity-filter.js';
import { parseFields } from './entity-json.js';
import { parsePredicate } from './entity-predicate.js';
import { createEntityLists } from './entity-list.js';
import { metrics } from '../metrics.js';

/** Largest JSON body accepted by the catalog routes. */
export const CATALOG_BODY_LIMIT = '256kb';
export const DEFAULT_API_CACHE_BYTES = 128 * 1024 * 1024;
export const DEFAULT_API_ANSWER_CACHE_BYTES = 96 * 1024 * 1024;
const ANSWER_SERIES = { bytes: metrics.apiAnswerCacheBytes, entries: metrics.apiAnswerCacheEntries, lookups: metrics.apiAnswerCacheLookups };
export type { CatalogApiOptions } from './catalog-api-context.js';

const byRefsQuery = queryReader({ filter: strings.optional() });

export function catalogApiRouter(options: CatalogApiOptions): express.Router {
  return createCatalogApi(options).router;
}

/** The routes and their context (the cache the fast path answers from, catalog-fast-path.ts). */
export function createCatalogApi(options: CatalogApiOptions): { router: express.Router; ctx: CatalogApiContext } {
  const { db } = options;
  const cache = createApiCache({ maxBytes: options.cacheBytes ?? DEFAULT_API_CACHE_BYTES, feed: options.feed });
  // A separate bound, so whole answers (which repeat entity JSON) never push out the entities themselves.
  const answers = createApiCache({ maxBytes: options.answerCacheBytes ?? DEFAULT_API_ANSWER_CACHE_BYTES, feed: options.feed, series: ANSWER_SERIES });
  const bodies = createEntityBodies(db, cache);
  const lists = createEntityLists(db, cache, bodies);
  const ctx: CatalogApiContext = { db, cache, answers, bodies, lists, options };
  const router = express.Router();
  router.use(express.json({ limit: CATALOG_BODY_LIMIT }));

  router.get(
    '/entities',
    wrap(async (req, res) => {
      const generation = ctx.answers.readGeneration();
      const plan = planEntities(req);
      const matches = await lists.matches(plan.spec);
      const loaded = await bodies.load(entitiesPage(plan, matches).refs);
      const answer = answerEntities(plan, matches, loaded, req.originalUrl);
      if (req.method === 'GET') rememberAnswer(ctx, req.originalUrl, { answer, route: ROUTES.entities }, generation);
      if (answer.link) res.setHeader('link', answer.link);
      sendJson(res, answer.body, answer.etag);
    }),
  );

  router.get(
    '/entities/by-name/:kind/:namespace/:name',
    wrap(async (req, res) => {
      const params = req.params as { kind: string; namespace: string; name: string };
      const ref = planByName(req, params);
      const answer = answerByName(params, (await bodies.load([ref])).get(ref));
      sendJson(res, answer.body, answer.etag);
    }),
  );

  router.get(
    '/entities/by-name/:kind/:namespace/:name/ancestry',
    wrap(async (req, res) => {
      noQuery(req);
      const { kind, namespace, name } = req.params as Record<string, string>;
      res.json(await entityAncestry(ctx, refOf({ kind, namespace, name })));
    }),
  );

  const byRefsBody = z.object({
    entityRefs: z.array(z.string().max(1000), { required_error: 'entityRefs is required', invalid_type_error: 'entityRefs must be an array of strings' }).max(1000, 'at most 1000 entityRefs per request'),
    fields: z.array(z.string()).optional(),
    /** A filter predicate (catalog-predicate-api.ts), with the `filter` parameter when both are given. */
    query: z.unknown().optional(),
  });

  router.post(
    '/entities/by-refs',
    wrap(async (req, res) => {
      const generation = ctx.answers.readGeneration();
      const query = byRefsQuery(req);
      // Only a valid request is ever kept, and validity depends on the URL and body alone.
      const key = `POST ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`;
      const kept = cachedAnswer(ctx, key);
      if (kept) return sendJson(res, kept.answer.body, kept.answer.etag);
      const body = parseOrThrow(byRefsBody, req.body ?? {}, 'body');
      const transform = parseFields(body.fields);
      const filter = parseEntityFilter(query.filter);
      const predicate = body.query === undefined ? undefined : parsePredicate(body.query);
      // Backstage answers a ref it cannot find, cannot parse, or that fails the filter with null.
      const refs = body.entityRefs.map((r) => tryRef(r));
      const loaded = await bodies.load(refs.filter((r): r is string => Boolean(r)));
      if (filter) {
        for (const [ref, b] of loaded) {
          const entity = parseBody(b);
          if (!matchesFilter(searchIndexOf(entity, entity.relations as Array<{ type: string; targetRef: string }>), filter)) loaded.delete(ref);
        }
      }
      if (predicate) for (const [ref, b] of loaded) if (!predicateHolds(b, predicate)) loaded.delete(ref);
      const items = renderItems(
        refs.map((r) => r ?? ''),
        loaded,
        transform,
      );
      const answer = { body: jsonArray(items, '{"items":', '}'), etag: listEtag(refs.map((r) => (r ? loaded.get(r) : undefined)), JSON.stringify(body.fields ?? []), JSON.stringify(query.filter ?? [])) };
      rememberAnswer(ctx, key, { answer, route: ROUTES.byRefs }, generation);
      sendJson(res, answer.body, answer.etag);
    }),
  );

  queryRoutes(router, ctx);
  predicateRoutes(router, ctx);
  locationRoutes(router, ctx);
  return { router, ctx };
}
