/**
 * The read side of Backstage's catalog API for the calls tools use most:
 *   GET  /entities?filter=&fields=&limit=&offset=
 *   GET  /entities/by-name/:kind/:namespace/:name
 *   POST /entities/by-refs  { entityRefs, fields? }
 * Mounted under /api/catalog.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { asc, and, gt, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getEntities, relationsFrom, type EntityRow } from '../catalog/queries.js';
import { refOf, tryRef } from '../catalog/refs.js';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import { filterPushdown, matchesFilter, parseEntityFilter, searchIndexOf } from './entity-filter.js';
import { entityJson, parseFields, type EntityJson } from './entity-json.js';
import { inputError, notFound } from './errors.js';

const BATCH = 500;
/** Largest JSON body accepted by the catalog routes. */
export const CATALOG_BODY_LIMIT = '256kb';

const strings = z.union([z.string(), z.array(z.string())]).transform((v) => [v].flat());
const integer = (name: string) =>
  z
    .string({ invalid_type_error: `Invalid ${name}, not an integer on string form` })
    .regex(/^\d+$/, `Invalid ${name}, not a non-negative integer`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), `Invalid ${name}, too large`);

const listQuery = z
  .object({ filter: strings.optional(), fields: strings.optional(), limit: integer('limit').optional(), offset: integer('offset').optional() })
  .passthrough();

const byRefsBody = z.object({
  entityRefs: z.array(z.string().max(1000), { required_error: 'entityRefs is required', invalid_type_error: 'entityRefs must be an array of strings' }).max(1000, 'at most 1000 entityRefs per request'),
  fields: z.array(z.string()).optional(),
});

function parseOrThrow<T extends z.ZodTypeAny>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw inputError(result.error.issues.map((i) => `${where}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; '));
  }
  return result.data;
}

async function withRelations(db: Db, rows: EntityRow[]): Promise<EntityJson[]> {
  const rels = await relationsFrom(db, rows.map((r) => r.ref));
  const byRef = new Map<string, typeof rels>();
  for (const r of rels) byRef.set(r.sourceRef, [...(byRef.get(r.sourceRef) ?? []), r]);
  return rows.map((row) => entityJson(row, byRef.get(row.ref) ?? []));
}

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => handler(req, res).catch(next);

export function catalogApiRouter(db: Db): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: CATALOG_BODY_LIMIT }));

  router.get(
    '/entities',
    wrap(async (req, res) => {
      const query = parseOrThrow(listQuery, req.query, 'query');
      const filter = parseEntityFilter(query.filter);
      const transform = parseFields(query.fields);
      const offset = query.offset ?? 0;
      const limit = query.limit;
      const pushdown = filterPushdown(filter);
      const out: EntityJson[] = [];
      let skipped = 0;
      let after: string | undefined;
      // Keyset batches: memory stays bounded by the batch and the answer, whatever the catalog size.
      for (;;) {
        if (limit !== undefined && out.length >= limit) break;
        const conditions: SQL[] = [];
        if (pushdown) conditions.push(pushdown);
        if (after) conditions.push(gt(entities.ref, after));
        const rows = await db.select().from(entities).where(conditions.length ? and(...conditions) : undefined).orderBy(asc(entities.ref)).limit(BATCH);
        if (!rows.length) break;
        after = rows[rows.length - 1].ref;
        for (const e of await withRelations(db, rows)) {
          if (!matchesFilter(searchIndexOf(e, e.relations as Array<{ type: string; targetRef: string }>), filter)) continue;
          if (skipped < offset) {
            skipped++;
            continue;
          }
          if (limit !== undefined && out.length >= limit) break;
          out.push(e);
        }
        if (rows.length < BATCH) break;
      }
      res.json(transform ? out.map(transform) : out);
    }),
  );

  router.get(
    '/entities/by-name/:kind/:namespace/:name',
    wrap(async (req, res) => {
      const { kind, namespace, name } = req.params as Record<string, string>;
      const ref = refOf({ kind, namespace, name });
      const rows = await db.select().from(entities).where(inArray(entities.ref, [ref])).limit(1);
      if (!rows.length) throw notFound(`No entity named '${name}' found, with kind '${kind}' in namespace '${namespace}'`);
      const [entity] = await withRelations(db, rows);
      res.json(entity);
    }),
  );

  router.post(
    '/entities/by-refs',
    wrap(async (req, res) => {
      const body = parseOrThrow(byRefsBody, req.body ?? {}, 'body');
      const queryFields = parseOrThrow(z.object({ fields: strings.optional() }).passthrough(), req.query, 'query').fields;
      const transform = parseFields([...(body.fields ?? []), ...(queryFields ?? [])]);
      // Backstage answers a ref it cannot find, or cannot parse, with null in its place.
      const refs = body.entityRefs.map((r) => tryRef(r));
      const rows = [...(await getEntities(db, refs.filter((r): r is string => Boolean(r)))).values()];
      const rendered = await withRelations(db, rows);
      const json = new Map(rows.map((row, i) => [row.ref, rendered[i]]));
      const items = refs.map((r) => {
        const e = r ? json.get(r) : undefined;
        return e ? (transform ? transform(e) : e) : null;
      });
      res.json({ items });
    }),
  );

  return router;
}
