/**
 * What the catalog API's route files share: their context (database, cache, loaders, options) and
 * how they send serialised JSON with an ETag.
 */
import { hash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { CatalogChangeFeed } from '../db/catalog-changes.js';
import type { Db } from '../db/client.js';
import type { ApiToken } from '../config/security.js';
import type { Logger } from '../logger.js';
import { parseBody, type EntityBody, type EntityBodies } from './entity-bodies.js';
import type { ApiCache } from './entity-cache.js';
import type { EntityJson } from './entity-json.js';
import type { EntityLists } from './entity-list.js';
import { serverTiming } from './request-record.js';

export interface CatalogApiOptions {
  db: Db;
  logger?: Logger;
  /** Change notifications from every replica; without it nothing is cached. */
  feed?: CatalogChangeFeed;
  /** Bound of the answer cache (API_CACHE_MB). */
  cacheBytes?: number;
  /** Bound of the fast path's whole-answer cache (API_ANSWER_CACHE_MB). */
  answerCacheBytes?: number;
  /** Re-syncs a source (POST /refresh); absent: refresh answers 503. */
  refreshSource?: (sourceId: string) => Promise<unknown>;
  /** Tokens that may refresh when the API is open (API_AUTH=off): refresh always needs one. */
  tokens?: ApiToken[];
}

export interface CatalogApiContext {
  db: Db;
  cache: ApiCache;
  /** Whole answers of GET /entities and /entities/by-query by request URL (catalog-fast-path.ts). */
  answers: ApiCache;
  bodies: EntityBodies;
  lists: EntityLists;
  options: CatalogApiOptions;
}

type Handler = (req: Request, res: Response) => Promise<void>;
export const wrap = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => handler(req, res).catch(next);

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 13.1.2). Decided here
 * rather than by Express's `req.fresh`, which never answers 304 to a request carrying
 * `Cache-Control: no-cache`, and fetch() adds that to every request with a conditional header.
 */
export function ifNoneMatchHas(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const wanted = opaque(etag);
  return header.split(',').some((t) => opaque(t) === wanted);
}

export function notModified(req: Request, etag: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const header = req.get('if-none-match');
  return Boolean(header) && ifNoneMatchHas(header!, etag);
}

/** Sends serialised JSON with its ETag, or 304 when If-None-Match already has it; Server-Timing says how long it took. */
export function sendJson(res: Response, body: Buffer, etag: string): void {
  res.setHeader('ETag', etag);
  const started = res.locals.started as bigint | undefined;
  if (started !== undefined) res.setHeader('Server-Timing', serverTiming(started));
  if (notModified(res.req, etag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json');
  res.send(body);
}

/** A weak ETag for a list: its entities' etags (each a content hash) and whatever else it shows. */
export function listEtag(bodies: ReadonlyArray<EntityBody | undefined>, ...extra: string[]): string {
  // One one-shot hash: each call into a Hash object costs more than joining the strings first.
  let text = '';
  for (const b of bodies) text += `${b ? b.etag : '-'},`;
  for (const e of extra) text += `|${e}`;
  return `W/"${hash('sha1', text, 'base64url')}"`;
}

/** Bodies of `refs` in order, each cut down to `fields` when asked. */
export function renderItems(refs: readonly string[], loaded: Map<string, EntityBody>, transform?: (e: EntityJson) => Record<string, unknown>): Array<Buffer | null> {
  return refs.map((ref) => {
    const body = loaded.get(ref);
    if (!body) return null;
    return transform ? Buffer.from(JSON.stringify(transform(parseBody(body)))) : body.body;
  });
}

