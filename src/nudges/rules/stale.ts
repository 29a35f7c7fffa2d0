import { OWNED_KINDS } from '../snapshot-index.js';
import type { EntityRule, SnapshotEntity } from '../types.js';

const DAY_MS = 86_400_000;

/** When the entity was last known accurate: its file's last change, or a confirmation from chat. */
export function lastConfirmed(e: SnapshotEntity): Date {
  const changed = e.fileCommittedAt ?? e.lastChangedAt;
  return e.lastReviewedAt && e.lastReviewedAt > changed ? e.lastReviewedAt : changed;
}

export const stale: EntityRule = {
  id: 'stale',
  title: 'Not updated or confirmed for a long time',
  severity: 5,
  applies: (e) => OWNED_KINDS.has(e.kind),
  check(e, _index, { now, staleAfterDays }) {
    const days = Math.floor((now.getTime() - lastConfirmed(e).getTime()) / DAY_MS);
    return days >= staleAfterDays ? `not changed or confirmed for ${days} days` : undefined;
  },
};
