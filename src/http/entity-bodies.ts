/**
 * Entity JSON as the catalog API sends it, by ref: from the cache when current, otherwise read
 * (one query for the entities, one for their relations, both prepared statements), redacted,
 * serialised once, and cached.
 */
import { getEntities, relationsFrom, type RelationRow } from '../catalog/queries.js';
import type { Db } from '../db/client.js';
import type { ApiCache } from './entity-cache.js';
import { entityJson, type EntityJson } from './entity-json.js';

export interface EntityBody {
  ref: string;
  etag: string;
  /** The entity's JSON, exactly as sent. */
  body: Buffer;
}

export interface EntityBodies {
  /** Bodies of the refs that exist, keyed by (lower-cased) ref. */
  load(refs: readonly string[]): Promise<Map<string, EntityBody>>;
  /** Bodies of all `refs` when every one is in the cache, else undefined (nothing is read). */
  peek(refs: readonly string[]): Map<string, EntityBody> | undefined;
}

const keyOf = (ref: string) => `e:${ref}`;

export function createEntityBodies(db: Db, cache: ApiCache): EntityBodies {
  return {
    peek(refs) {
      const out = new Map<string, EntityBody>();
      for (const ref of refs) {
        const hit = cache.peek<EntityBody>(keyOf(ref));
        if (!hit) return undefined;
        out.set(ref, hit);
      }
      return out;
    },
    async load(refs) {
      const out = new Map<string, EntityBody>();
      const missing: string[] = [];
      for (const ref of refs) {
        if (out.has(ref)) continue;
        const hit = cache.get<EntityBody>(keyOf(ref));
        if (hit) out.set(ref, hit);
        else missing.push(ref);
      }
      if (!missing.length) return out;
      const generation = cache.readGeneration();
      const rows = await getEntities(db, missing);
      const rels = await relationsFrom(db, [...rows.keys()]);
      const bySource = new Map<string, RelationRow[]>();
      for (const r of rels) {
        const list = bySource.get(r.sourceRef);
        if (list) list.push(r);
        else bySource.set(r.sourceRef, [r]);
      }
      for (const [ref, row] of rows) {
        const json = entityJson(row, bySource.get(ref) ?? []);
        const rendered: EntityBody = { ref, etag: json.metadata.etag as string, body: Buffer.from(JSON.stringify(json)) };
        cache.put(keyOf(ref), rendered, rendered.body.length, generation);
        out.set(ref, rendered);
      }
      return out;
    },
  };
}

export const parseBody = (body: EntityBody): EntityJson => JSON.parse(body.body.toString('utf8')) as EntityJson;

const COMMA = Buffer.from(',');
const NULL = Buffer.from('null');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

/** `head[a,b,null,…]tail` from already serialised parts, without parsing them again: one copy. */
export function jsonArray(parts: ReadonlyArray<Buffer | null>, head = '', tail = ''): Buffer {
  const chunks: Buffer[] = [head ? Buffer.from(`${head}[`) : OPEN];
  for (let i = 0; i < parts.length; i++) {
    if (i) chunks.push(COMMA);
    chunks.push(parts[i] ?? NULL);
  }
  chunks.push(tail ? Buffer.from(`]${tail}`) : CLOSE);
  return Buffer.concat(chunks);
}
