import { shortRef } from '../../catalog/refs.js';
import { OWNED_KINDS } from '../snapshot-index.js';
import type { EntityRule } from '../types.js';

/** The owner must be a Group or User the catalog knows; anything else reaches nobody. */
export const unknownOwner: EntityRule = {
  id: 'unknown-owner',
  title: 'Owner not in the catalog',
  severity: 2,
  applies: (e) => OWNED_KINDS.has(e.kind) && e.ownerRef !== null,
  check(e, index) {
    const owner = index.byRef.get(e.ownerRef!);
    if (owner && (owner.kind === 'group' || owner.kind === 'user')) return undefined;
    return `owner ${shortRef(e.ownerRef!)} is not a Group or User in the catalog`;
  },
};
