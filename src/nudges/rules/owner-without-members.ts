import { shortRef } from '../../catalog/refs.js';
import { OWNED_KINDS, related } from '../snapshot-index.js';
import type { EntityRule, SnapshotIndex } from '../types.js';

const memo = new WeakMap<SnapshotIndex, Map<string, boolean>>();

/** Whether the group, or any group below it, has a member (memoised per snapshot: teams own many entities). */
function hasMembers(index: SnapshotIndex, groupRef: string): boolean {
  let known = memo.get(index);
  if (!known) memo.set(index, (known = new Map()));
  let answer = known.get(groupRef);
  if (answer === undefined) known.set(groupRef, (answer = searchMembers(index, groupRef)));
  return answer;
}

/** Breadth-first through child groups; cycles in the group tree are tolerated. */
function searchMembers(index: SnapshotIndex, groupRef: string): boolean {
  const seen = new Set<string>();
  const queue = [groupRef];
  while (queue.length > 0) {
    const ref = queue.pop()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    if (related(index, 'hasMember', ref).length > 0) return true;
    queue.push(...related(index, 'parentOf', ref));
  }
  return false;
}

export const ownerWithoutMembers: EntityRule = {
  id: 'owner-without-members',
  title: 'Owning group has no members',
  severity: 3,
  applies: (e, index) => OWNED_KINDS.has(e.kind) && e.ownerRef !== null && index.byRef.get(e.ownerRef)?.kind === 'group',
  check: (e, index) => (hasMembers(index, e.ownerRef!) ? undefined : `owner ${shortRef(e.ownerRef!)} has no members`),
};
