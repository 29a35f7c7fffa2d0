import { shortRef } from '../../catalog/refs.js';
import { OWNED_KINDS, related } from '../snapshot-index.js';
import type { EntityRule, SnapshotEntity, SnapshotIndex } from '../types.js';

/**
 * Production components that still use a deprecated entity: those that depend on it, consume it
 * (an API), or consume an API it provides (a component).
 */
export function productionDependents(entity: SnapshotEntity, index: SnapshotIndex): string[] {
  const users = new Set(related(index, 'dependencyOf', entity.ref));
  const apis = entity.kind === 'api' ? [entity.ref] : related(index, 'providesApi', entity.ref);
  for (const api of apis) for (const consumer of related(index, 'apiConsumedBy', api)) users.add(consumer);
  users.delete(entity.ref);
  return [...users]
    .filter((ref) => {
      const user = index.byRef.get(ref);
      return user?.kind === 'component' && user.lifecycle === 'production';
    })
    .sort();
}

export const deprecatedInUse: EntityRule = {
  id: 'deprecated-in-use',
  title: 'Deprecated but still used in production',
  severity: 4,
  applies: (e) => OWNED_KINDS.has(e.kind) && e.lifecycle === 'deprecated',
  check(e, index) {
    const users = productionDependents(e, index);
    if (users.length === 0) return undefined;
    const shown = users.slice(0, 3).map(shortRef).join(', ');
    const more = users.length > 3 ? ` and ${users.length - 3} more` : '';
    return `is deprecated but production ${users.length === 1 ? 'component' : 'components'} ${shown}${more} still ${users.length === 1 ? 'uses' : 'use'} it`;
  },
};
