import { OWNED_KINDS } from '../snapshot-index.js';
import type { EntityRule } from '../types.js';

export const noOwner: EntityRule = {
  id: 'no-owner',
  title: 'No owner',
  severity: 1,
  applies: (e) => OWNED_KINDS.has(e.kind),
  check: (e) => (e.ownerRef ? undefined : 'has no owner (spec.owner)'),
};
