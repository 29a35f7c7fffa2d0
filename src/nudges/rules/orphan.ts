import type { EntityRule } from '../types.js';

export const ORPHAN_ANNOTATION = 'backstage.io/orphan';

/**
 * An entity no Location names any more, kept by sync (CATALOG_ORPHAN_STRATEGY=keep) as Backstage
 * keeps orphans: its owner should delete it or point a Location at it again. It counts only for
 * orphans, so other entities' scores do not change.
 */
export const orphan: EntityRule = {
  id: 'orphan',
  title: 'Orphan: no Location names it any more',
  severity: 2,
  applies: (e) => e.annotations[ORPHAN_ANNOTATION] === 'true',
  check: (e) =>
    e.annotations[ORPHAN_ANNOTATION] === 'true' ? `is an orphan: no Location names ${e.filePath} any more; remove the entity or list its file in a Location again` : undefined,
};
