import type { EntityRule } from '../types.js';

const BELONGS_TO_SYSTEM = new Set(['component', 'api', 'resource']);

export const missingSystem: EntityRule = {
  id: 'missing-system',
  title: 'Missing system',
  severity: 8,
  applies: (e) => BELONGS_TO_SYSTEM.has(e.kind),
  check: (e) => (e.systemRef ? undefined : 'is not part of a system (spec.system)'),
};
