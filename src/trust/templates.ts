/**
 * Whether a template may run for a requester: it must come from a trusted template source, be a
 * v1beta3 Template, and, when annotated `callsheet.io/allowed-groups`, the requester must be in one
 * of those groups by org data (membership.ts).
 */
import type { Requester } from '../reply/requester.js';
import type { Db } from '../db/client.js';
import { orgGroupsOf } from './membership.js';

export const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

/** What the decision needs of a template (scaffolder's TemplateRecord has it all). */
export interface TemplateFacts {
  ref: string;
  title: string;
  sourceId: string;
  trusted: boolean;
  entity: { apiVersion: string };
  /** Canonical group refs from the annotation; empty means everyone. */
  allowedGroups: string[];
}

export type Access = { ok: true } | { ok: false; reason: 'untrusted' | 'version' | 'forbidden'; message: string };

/** The decision for a requester whose org groups are known (for listing many templates at once). */
export function accessTo(template: TemplateFacts, requester: Requester, groups: Set<string>): Access {
  if (!template.trusted) return { ok: false, reason: 'untrusted', message: `${template.title} (${template.ref}) comes from ${template.sourceId}, which is not a trusted template source, so it cannot be run.` };
  if (template.entity.apiVersion !== TEMPLATE_API_VERSION) return { ok: false, reason: 'version', message: `${template.title} (${template.ref}) is a ${template.entity.apiVersion} template; only ${TEMPLATE_API_VERSION} templates can be run.` };
  if (template.allowedGroups.length === 0) return { ok: true };
  if (template.allowedGroups.some((g) => groups.has(g))) return { ok: true };
  const who = requester.userRef ? `${requester.userRef} is not a member of any of them` : 'I could not match you to a catalog User';
  return { ok: false, reason: 'forbidden', message: `You may not run ${template.title}: it is limited to members of ${template.allowedGroups.join(', ')}, and ${who}.` };
}

/** The org groups a requester's permissions are computed from. */
export function requesterGroups(db: Db, requester: Requester): Promise<Set<string>> {
  return orgGroupsOf(db, requester.userRef);
}

export async function mayRunTemplate(db: Db, template: TemplateFacts, requester: Requester): Promise<Access> {
  return accessTo(template, requester, await requesterGroups(db, requester));
}
