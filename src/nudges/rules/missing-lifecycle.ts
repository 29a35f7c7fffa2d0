import type { EntityRule } from '../types.js';

const HAS_LIFECYCLE = new Set(['component', 'api', 'resource']);

export const missingLifecycle: EntityRule = {
  id: 'missing-lifecycle',
  title: 'Missing lifecycle',
  severity: 7,
  applies: (e) => HAS_LIFECYCLE.has(e.kind),
  check: (e) => (e.lifecycle ? undefined : 'has no lifecycle (spec.lifecycle)'),
};
