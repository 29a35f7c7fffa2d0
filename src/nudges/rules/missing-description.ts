import { OWNED_KINDS } from '../snapshot-index.js';
import type { EntityRule } from '../types.js';

export const missingDescription: EntityRule = {
  id: 'missing-description',
  title: 'Missing description',
  severity: 6,
  applies: (e) => OWNED_KINDS.has(e.kind),
  check: (e) => (e.description?.trim() ? undefined : 'has no description (metadata.description)'),
};
