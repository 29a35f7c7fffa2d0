/**
 * GET …/ancestry as Backstage answers it: the entity, then the entities that led the catalog to
 * it, each with its parents' refs. Here a parent is a Location entity of the same source whose
 * targets name the file the entity was read from (Backstage's generated Location for a registered
 * location has no counterpart: a source's entry files are the roots).
 */
import { getEntities, getEntity } from '../catalog/queries.js';
import { locationEntitiesOf } from '../catalog/queries-list.js';
import type { Entity } from '@backstage/catalog-model';
import { locationTargets } from '../sync/location-targets.js';
import { isUrlPath, urlOfKey, type RemoteFiles } from '../sync/remote-files.js';
import type { CatalogApiContext } from './catalog-api-context.js';
import { parseBody } from './entity-bodies.js';
import { notFound } from './errors.js';

const MAX_ITEMS = 1000;
// Only resolves `type: url` targets to their URLs (nothing is read): the sync already read them.
const URLS: RemoteFiles = { readable: true, refusal: () => undefined, read: async () => undefined };
const annotationsOf = (entity: unknown) => (entity as { metadata?: { annotations?: Record<string, string> } } | undefined)?.metadata?.annotations ?? {};

export async function entityAncestry(ctx: CatalogApiContext, rootRef: string) {
  const root = await getEntity(ctx.db, rootRef);
  if (!root) throw notFound(`No such entity ${rootRef}`);
  const bySource = new Map<string, Map<string, string[]>>();
  // Which Location entities of a source read which file.
  const readersIn = async (sourceId: string) => {
    let readers = bySource.get(sourceId);
    if (readers) return readers;
    readers = new Map();
    for (const location of await locationEntitiesOf(ctx.db, sourceId)) {
      const annotation = annotationsOf(location.entity)['backstage.io/managed-by-location'] ?? '';
      const treeType = annotation.startsWith('url:') ? 'url' : 'file';
      const path = isUrlPath(location.filePath) ? urlOfKey(location.filePath) : location.filePath;
      for (const target of (await locationTargets(location.entity as unknown as Entity, path, treeType, undefined, URLS)).targets) {
        // A file of another repository is known by the location annotation the sync wrote on its entities.
        const key = isUrlPath(target.path) ? `url:${target.path}` : target.path;
        readers.set(key, [...(readers.get(key) ?? []), location.ref]);
      }
    }
    bySource.set(sourceId, readers);
    return readers;
  };

  const items: Array<{ entity: unknown; parentEntityRefs: string[] }> = [];
  const seen = new Set<string>([rootRef]);
  const todo = [root];
  while (todo.length && items.length < MAX_ITEMS) {
    const current = todo.shift()!;
    const readers = await readersIn(current.sourceId);
    const managedBy = annotationsOf(current.entity)['backstage.io/managed-by-location'];
    const named = [...(readers.get(current.filePath) ?? []), ...((managedBy && readers.get(managedBy)) || [])];
    const parents = [...new Set(named)].filter((p) => p !== current.ref).sort();
    const body = (await ctx.bodies.load([current.ref])).get(current.ref);
    if (!body) continue;
    items.push({ entity: parseBody(body), parentEntityRefs: parents });
    const fresh = parents.filter((p) => !seen.has(p));
    for (const p of fresh) seen.add(p);
    for (const row of (await getEntities(ctx.db, fresh)).values()) todo.push(row);
  }
  return { rootEntityRef: rootRef, items };
}
