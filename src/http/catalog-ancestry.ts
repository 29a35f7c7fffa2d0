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
import type { CatalogApiContext } from './catalog-api-context.js';
import { parseBody } from './entity-bodies.js';
import { notFound } from './errors.js';

const MAX_ITEMS = 1000;

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
      const annotation = ((location.entity.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {})['backstage.io/managed-by-location'] ?? '';
      const treeType = annotation.startsWith('url:') ? 'url' : 'file';
      for (const target of (await locationTargets(location.entity as unknown as Entity, location.filePath, treeType)).targets) {
        readers.set(target.path, [...(readers.get(target.path) ?? []), location.ref]);
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
    const parents = ((await readersIn(current.sourceId)).get(current.filePath) ?? []).filter((p) => p !== current.ref).sort();
    const body = (await ctx.bodies.load([current.ref])).get(current.ref);
    if (!body) continue;
    items.push({ entity: parseBody(body), parentEntityRefs: parents });
    const fresh = parents.filter((p) => !seen.has(p));
    for (const p of fresh) seen.add(p);
    for (const row of (await getEntities(ctx.db, fresh)).values()) todo.push(row);
  }
  return { rootEntityRef: rootRef, items };
}
