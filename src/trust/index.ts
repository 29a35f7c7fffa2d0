/**
 * Trust, in one place (DESIGN.md): which source may declare which kinds, who a chat user is
 * (identity from org sources only), and what a user may do. Adapters and commands ask it.
 */
export { AAD_OBJECT_ANNOTATION, SLACK_USER_ANNOTATION, describeClaim, identityConflicts, usersClaiming, type Claim, type IdentityConflict } from './claims.js';
export { orgUserByEmail, resolveSlackUser, resolveTeamsUser, type IdentityAnswer, type TeamsWho } from './identity.js';
export { isOrgUser, orgGroupsOf } from './membership.js';
export { mayPage } from './paging.js';
export { groupRefs, mayAdminister, memberOfAny, type Decision } from './permissions.js';
export { actAs, type ActingAs } from './acting.js';
export { TEMPLATE_API_VERSION, accessTo, mayRunTemplate, requesterGroups, type Access, type TemplateFacts } from './templates.js';
