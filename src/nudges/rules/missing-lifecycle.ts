import type { EntityRule } from '../types.js';

// Only Component and API have `spec.lifecycle` in Backstage's model; a Resource cannot declare one.
const HAS_LIFECYCLE = new Set(['component', 'api']);

export const missingLifecycle: EntityRule = {
  id: 'missing-lifecycle',
  title: 'Missing lifecycle',
  severity: 7,
  applies: (e) => HAS_LIFECYCLE.has(e.kind),
  check: (e) => (e.lifecycle ? undefined : 'has no lifecycle (spec.lifecycle)'),
};
