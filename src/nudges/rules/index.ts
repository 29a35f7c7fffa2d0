import type { EntityRule, RuleId } from '../types.js';
import { brokenFile } from './broken-file.js';
import { deprecatedInUse } from './deprecated-in-use.js';
import { missingDescription } from './missing-description.js';
import { missingDocs } from './missing-docs.js';
import { missingLifecycle } from './missing-lifecycle.js';
import { missingSystem } from './missing-system.js';
import { noOwner } from './no-owner.js';
import { orphan } from './orphan.js';
import { ownerWithoutMembers } from './owner-without-members.js';
import { stale } from './stale.js';
import { unknownOwner } from './unknown-owner.js';

export { brokenFile };

/** Entity rules, worst first. */
export const entityRules: EntityRule[] = [noOwner, orphan, unknownOwner, ownerWithoutMembers, deprecatedInUse, stale, missingDescription, missingLifecycle, missingSystem, missingDocs];

export const ruleInfo: Record<RuleId, { title: string; severity: number }> = Object.fromEntries([
  [brokenFile.id, { title: brokenFile.title, severity: brokenFile.severity }],
  ...entityRules.map((r) => [r.id, { title: r.title, severity: r.severity }]),
]) as Record<RuleId, { title: string; severity: number }>;

export function isRuleId(value: string): value is RuleId {
  return value in ruleInfo;
}
