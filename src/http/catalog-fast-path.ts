/**
 * The catalog API's hot reads answered before Express: GET /entities, /entities/by-name/… and
 * /entities/by-query when the answer is entirely in the API cache (entity JSON serialised once per
 * etag, list matches per generation). Express's routing, middleware and response helpers cost more
 * CPU than such an answer does; here a hit is a token look-up, a few map look-ups and one write.
 *
 * A list answer built here is kept whole (answer-cache.ts), so the next identical request is
 * answered without parsing its query at all.
 *
 * Anything else (a cache miss, a bad or unknown parameter, a missing entity, no valid token, HEAD,
 * a path Express would match only loosely) is left to Express, which answers it as it always did
 * (and fills the cache): the fast path never answers differently, it only answers sooner.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { bearerOf, matchTokenCached, type ApiAuthOptions } from './api-auth.js';
import { cachedAnswer, rememberAnswer, ROUTES, type Found } from './answer-cache.js';
import { answerByName, answerEntities, entitiesPage, planByName, planEntities } from './catalog-answers.js';
import { ifNoneMatchHas, type CatalogApiContext } from './catalog-api-context.js';
import { answerByQuery, byQueryPage, planByQuery } from './catalog-by-query.js';
import { requestIdOf, serverTiming, type RequestRecorder } from './request-record.js';

/** Answers the request and returns true, or returns false having touched nothing. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const ENTITIES = '/api/catalog/entities';
const BY_NAME = `${ENTITIES}/by-name/`;
const BY_QUERY = `${ENTITIES}/by-query`;

function answerOf(ctx: CatalogApiContext, path: string, url: string, query: { query: unknown }): Found | undefined {
  if (path === ENTITIES) {
    const plan = planEntities(query);
    const matches = ctx.lists.peek(plan.spec);
    const loaded = matches && ctx.bodies.peek(entitiesPage(plan, matches).refs);
    return loaded && { answer: answerEntities(plan, matches, loaded, url), route: ROUTES.entities };
  }
  if (path === BY_QUERY) {
    const plan = planByQuery(query);
    const matches = ctx.lists.peek(plan.spec);
    const loaded = matches && ctx.bodies.peek(byQueryPage(plan, matches).refs);
    return loaded && { answer: answerByQuery(plan, matches, loaded), route: ROUTES.byQuery };
  }
  if (path.startsWith(BY_NAME)) {
    const parts = path.slice(BY_NAME.length).split('/');
    if (parts.length !== 3 || parts.some((p) => !p)) return undefined;
    const [kind, namespace, name] = parts.map(decodeURIComponent);
    const params = { kind, namespace, name };
    const ref = planByName(query, params);
    const body = ctx.bodies.peek([ref])?.get(ref);
    // A missing entity is a 404 Express words; a cache miss is Express's to read.
    return body && { answer: answerByName(params, body), route: ROUTES.byName };
  }
  return undefined;
}

export function catalogFastPath(ctx: CatalogApiContext, auth: ApiAuthOptions, record: RequestRecorder): FastPath {
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(ENTITIES)) return false;
    const started = process.hrtime.bigint();
    let token: string | undefined;
    if (!auth.open) {
      const presented = bearerOf(req);
      token = presented ? matchTokenCached(auth.tokens, presented) : undefined;
      if (!token) return false;
    }
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    // A list answer is a function of its URL and the catalog generation alone (no caller-dependent
    // part), so a repeated one is a look-up: no parsing, no slicing, no concatenation, no hashing.
    const listed = path === ENTITIES || path === BY_QUERY;
    let found = listed ? cachedAnswer(ctx, url) : undefined;
    if (!found) {
      // Read before the answer is built; this code does not yield, so the generation cannot move on in between.
      const generation = listed ? ctx.answers.readGeneration() : undefined;
      try {
        // Express's 'simple' query parser is node:querystring too.
        found = answerOf(ctx, path, url, { query: q === -1 ? {} : parseQuery(url.slice(q + 1)) });
      } catch {
        return false; // Express words the error
      }
      if (!found) return false;
      if (listed) rememberAnswer(ctx, url, found, generation);
    }
    const { answer, route } = found;
    const requestId = requestIdOf(req);
    const headers: Record<string, string | number> = { 'x-request-id': requestId, etag: answer.etag };
    let status = 200;
    const wanted = req.headers['if-none-match'];
    if (wanted && ifNoneMatchHas(wanted, answer.etag)) {
      status = 304;
      headers['server-timing'] = serverTiming(started);
      res.writeHead(304, headers).end();
    } else {
      if (answer.link) headers.link = answer.link;
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = answer.body.length;
      headers['server-timing'] = serverTiming(started);
      res.writeHead(200, headers).end(answer.body);
    }
    record({ requestId, method: 'GET', path, route, status, ms: Number(process.hrtime.bigint() - started) / 1e6, token });
    return true;
  };
}
