/**
 * Locations, refresh and validate-entity as Backstage's catalog API has them.
 *
 * A location here is an origin location entities were read from (their
 * `backstage.io/managed-by-origin-location`: a source's entry file or URL), which is what Backstage
 * looks up for getLocationByEntity; its id is derived from `type:target`, so every replica gives
 * the same one. Refresh re-syncs the source an entity came from, and always needs an API token,
 * even when API_AUTH=off opened the read routes.
 */
import { createHash } from 'node:crypto';
import type express from 'express';
import { z } from 'zod';
import { getEntity } from '../catalog/queries.js';
import { originLocations } from '../catalog/queries-list.js';
import { refOf, tryRef } from '../catalog/refs.js';
import { validateEntity } from '../catalog/validate.js';
import { apiTokenName, matchToken } from './api-auth.js';
import { parseOrThrow, noQuery } from './api-params.js';
import { sendJson, wrap, type CatalogApiContext } from './catalog-api-context.js';
import { HttpError, notFound } from './errors.js';

export interface LocationJson {
  id: string;
  type: string;
  target: string;
}

/** How long POST /refresh waits for the sync before answering (it goes on after). */
export const REFRESH_WAIT_MS = 10_000;

/** A stable UUID-shaped id for `type:target`. */
export function locationId(location: string): string {
  const h = createHash('sha256').update(location).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function toLocation(location: string): LocationJson {
  const colon = location.indexOf(':');
  return { id: locationId(location), type: location.slice(0, colon), target: location.slice(colon + 1) };
}

export function locationRoutes(router: express.Router, ctx: CatalogApiContext): void {
  const { db, cache } = ctx;
  const all = async (): Promise<LocationJson[]> => {
    const hit = cache.get<LocationJson[]>('l:all');
    if (hit) return hit;
    const generation = cache.readGeneration();
    const seen = new Set<string>();
    for (const { location } of await originLocations(db)) if (location.includes(':')) seen.add(location);
    const out = [...seen].sort().map(toLocation);
    cache.put('l:all', out, out.reduce((n, l) => n + (l.target.length + 60) * 2, 0), generation);
    return out;
  };

  router.get(
    '/locations',
    wrap(async (req, res) => {
      noQuery(req);
      const body = Buffer.from(JSON.stringify((await all()).map((data) => ({ data }))));
      sendJson(res, body, `W/"${createHash('sha1').update(body).digest('base64url')}"`);
    }),
  );

  router.get(
    '/locations/by-entity/:kind/:namespace/:name',
    wrap(async (req, res) => {
      noQuery(req);
      const { kind, namespace, name } = req.params as Record<string, string>;
      const ref = refOf({ kind, namespace, name });
      const row = await getEntity(db, ref);
      if (!row) throw notFound(`found no entity for ref ${ref}`);
      const origin = ((row.entity.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {})['backstage.io/managed-by-origin-location'];
      if (typeof origin !== 'string' || !origin.includes(':')) throw notFound(`found no origin annotation for ref ${ref}`);
      res.json(toLocation(origin));
    }),
  );

  router.get(
    '/locations/:id',
    wrap(async (req, res) => {
      noQuery(req);
      const id = (req.params as Record<string, string>).id;
      const found = (await all()).find((l) => l.id === id);
      if (!found) throw notFound(`Found no location with ID ${id}`);
      res.json(found);
    }),
  );

  router.post(
    '/refresh',
    wrap(async (req, res) => {
      noQuery(req);
      const body = parseOrThrow(z.object({ entityRef: z.string().max(1000), authorizationToken: z.string().max(10_000).optional() }), req.body ?? {}, 'body');
      let who = apiTokenName(res);
      if (!who) {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1] ?? body.authorizationToken;
        who = bearer ? matchToken(ctx.options.tokens ?? [], bearer) : undefined;
      }
      if (!who) throw new HttpError(403, 'NotAllowedError', 'Refreshing an entity needs an API token (API_TOKENS)');
      const ref = tryRef(body.entityRef);
      const row = ref ? await getEntity(db, ref) : undefined;
      if (!row) throw notFound(`No entity ${body.entityRef}`);
      const refresh = ctx.options.refreshSource;
      if (!refresh) throw new HttpError(503, 'ServiceUnavailableError', 'Refresh is not available in this process');
      const sync = refresh(row.sourceId).catch((error: unknown) => ctx.options.logger?.error({ err: (error as Error).message, source: row.sourceId }, 'refresh failed'));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([sync, new Promise((resolve) => (timer = setTimeout(resolve, REFRESH_WAIT_MS)))]);
      clearTimeout(timer);
      ctx.options.logger?.info({ token: who, entityRef: row.ref, source: row.sourceId }, 'entity refreshed');
      res.status(200).end();
    }),
  );

  router.post(
    '/validate-entity',
    wrap(async (req, res) => {
      noQuery(req);
      const raw = (req.body ?? {}) as { entity?: unknown; location?: unknown };
      const fail = (message: string) => res.status(400).json({ errors: [{ name: 'InputError', message }] });
      if (typeof raw.location !== 'string') return void fail('Malformed request: location must be a string');
      const colon = raw.location.indexOf(':');
      if (colon <= 0 || !raw.location.slice(colon + 1)) return void fail(`Unable to parse location ref '${raw.location}', expected '<type>:<target>', e.g. 'url:https://host/path'`);
      if (raw.location.slice(0, colon) !== 'url') return void fail(`Invalid location ref ${raw.location}, only 'url:<target>' is supported, e.g. url:https://host/path`);
      if (typeof raw.entity !== 'object' || raw.entity === null || Array.isArray(raw.entity)) return void fail('Malformed request: entity must be an object');
      const result = await validateEntity(raw.entity);
      if (!result.ok) return void fail(result.message);
      res.status(200).end();
    }),
  );
}
