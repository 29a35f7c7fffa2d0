/**
 * GET /entities/by-query (cursor paging, orderField, fullTextFilter, totalItems: the plan and the
 * answer are in catalog-by-query.ts) and GET /entity-facets.
 */
import type express from 'express';
import { rememberAnswer, ROUTES } from './answer-cache.js';
import { queryReader, strings } from './api-params.js';
import { answerByQuery, byQueryPage, planByQuery } from './catalog-by-query.js';
import { listEtag, sendJson, wrap, type CatalogApiContext } from './catalog-api-context.js';
import { parseEntityFilter } from './entity-filter.js';
import { countFacets } from './facet-counts.js';
import { inputError } from './errors.js';

const facetsQuery = queryReader({ facet: strings, filter: strings.optional() });

export function queryRoutes(router: express.Router, ctx: CatalogApiContext): void {
  router.get(
    '/entities/by-query',
    wrap(async (req, res) => {
      const generation = ctx.answers.readGeneration();
      const plan = planByQuery(req);
      const matches = await ctx.lists.matches(plan.spec);
      const loaded = await ctx.bodies.load(byQueryPage(plan, matches).refs);
      const answer = answerByQuery(plan, matches, loaded);
      if (req.method === 'GET') rememberAnswer(ctx, req.originalUrl, { answer, route: ROUTES.byQuery }, generation);
      sendJson(res, answer.body, answer.etag);
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
      const out = await countFacets(ctx, matches.refs, facets);
      const body = Buffer.from(JSON.stringify({ facets: out }));
      ctx.cache.put(key, body, body.length, generation);
      sendJson(res, body, listEtag([], key, body.toString('utf8')));
    }),
  );
}
