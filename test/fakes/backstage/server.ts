/**
 * A local Backstage catalog API for tests: `GET /api/catalog/entities/by-query` (cursor paging,
 * `fields`, `limit`) and `POST /api/catalog/entities/by-refs`, answered by Backstage's own
 * InMemoryCatalogClient (its cursor format, field selection and page info), behind a bearer token,
 * with errors in Backstage's error shape. The entities are what Backstage's processing makes of a
 * repository (test/helpers/backstage-reference.ts), with the uids, etags and `relations` its
 * stitcher adds. Tests change the catalog and inject failures between syncs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';

export interface FakeBackstage {
  url: string;
  /** Requests seen, as `METHOD path?query`. */
  requests: string[];
  /** Replaces an entity (by ref) or adds it; gives it a new etag. */
  put(entity: Entity): void;
  remove(ref: string): void;
  refs(): string[];
  /** Leaves an entity out of by-query pages (as a page shifted by a concurrent change does) while by-refs still has it. */
  hideFromListing(ref: string | undefined): void;
  /** The next by-query request after `pages` successful ones answers 500 (once). */
  failPageAfter(pages: number): void;
  close(): Promise<void>;
}

export interface FakeBackstageOptions {
  token: string;
  /** The entities as Backstage's processing left them, with the relations it emitted (`source type target`). */
  entities: Entity[];
  relations: Iterable<string>;
}

function etagOf(entity: Entity): string {
  return createHash('sha256').update(JSON.stringify(entity)).digest('base64url').slice(0, 20);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, name: string, message: string) {
  send(res, status, { error: { name, message }, request: {}, response: { statusCode: status } });
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export async function startFakeBackstage(options: FakeBackstageOptions): Promise<FakeBackstage> {
  const byRef = new Map<string, Entity>();
  const outgoing = new Map<string, { type: string; targetRef: string }[]>();
  for (const line of options.relations) {
    const [source, type, target] = line.split(' ');
    outgoing.set(source!, [...(outgoing.get(source!) ?? []), { type: type!, targetRef: target! }]);
  }
  // What the stitcher serves: a uid, the entity's relations, and an etag over all of it.
  const stitch = (entity: Entity, uid: string = randomUUID()): Entity => {
    const ref = stringifyEntityRef(entity);
    const { etag: _e, ...metadata } = entity.metadata;
    const stitched = { ...entity, metadata: { ...metadata, uid }, relations: outgoing.get(ref) ?? [] } as Entity;
    stitched.metadata.etag = etagOf(stitched);
    return stitched;
  };
  for (const e of options.entities) byRef.set(stringifyEntityRef(e), stitch(e));

  const requests: string[] = [];
  let failAfter: number | undefined;
  let pagesServed = 0;
  let hidden: string | undefined;
  const client = (listing = false) => new InMemoryCatalogClient({ entities: [...byRef.entries()].filter(([ref]) => !listing || ref !== hidden).map(([, e]) => e) });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization !== `Bearer ${options.token}`) return error(res, 401, 'AuthenticationError', 'Missing credentials');
    void (async () => {
      try {
        if (req.method === 'GET' && url.pathname === '/api/catalog/entities/by-query') {
          if (failAfter !== undefined && pagesServed >= failAfter) {
            failAfter = undefined;
            return error(res, 500, 'Error', 'database went away');
          }
          pagesServed++;
          const cursor = url.searchParams.get('cursor');
          const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : 20;
          const fields = url.searchParams.get('fields')?.split(',').filter(Boolean);
          const request = cursor ? { cursor, limit, ...(fields ? { fields } : {}) } : { limit, ...(fields ? { fields } : {}) };
          return send(res, 200, await client(true).queryEntities(request));
        }
        if (req.method === 'POST' && url.pathname === '/api/catalog/entities/by-refs') {
          const { entityRefs } = (await body(req)) as { entityRefs?: string[] };
          if (!Array.isArray(entityRefs)) return error(res, 400, 'InputError', 'entityRefs is required');
          return send(res, 200, await client().getEntitiesByRefs({ entityRefs }));
        }
        return error(res, 404, 'NotFoundError', `no route ${req.method} ${url.pathname}`);
      } catch (e) {
        const err = e as Error;
        return error(res, err.name === 'InputError' ? 400 : 500, err.name, err.message);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    put(entity) {
      const ref = stringifyEntityRef(entity);
      byRef.set(ref, stitch(entity, byRef.get(ref)?.metadata.uid));
    },
    remove(ref) {
      byRef.delete(ref);
    },
    refs: () => [...byRef.keys()],
    hideFromListing(ref) {
      hidden = ref;
    },
    failPageAfter(pages) {
      failAfter = pagesServed + pages;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
