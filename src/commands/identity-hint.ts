/**
 * How the asker is identified, for commands that default to "my teams" (`team`, `stale`): when the
 * answer is "I don't know who you are", the asker needs to know what would make them known.
 */
import { shortRef } from '../catalog/refs.js';
import type { RichText } from '../reply/reply.js';
import type { Requester } from '../reply/requester.js';

/** One or two lines on who the asker is taken to be, and what would change it. */
export function identityHint(requester: Requester): RichText[] {
  const { platform, externalId, email, displayName, userRef } = requester;
  if (userRef) {
    const how = platform === 'shell' || platform === 'cli' ? ' (from CALLSHEET_USER)' : email ? ` (by your e-mail ${email})` : '';
    return [[`You are `, { type: 'entity', ref: userRef, text: shortRef(userRef) }, ` in the catalog${how}, but you are in no team there.`]];
  }
  switch (platform) {
    case 'slack':
      return [
        [`I don't know which catalog User you are: you are Slack user `, { type: 'code', text: externalId ?? 'unknown' }, email ? ` with e-mail ${email}` : '', '.'],
        [`A User in an org catalog source is you when it has the annotation `, { type: 'code', text: `slack.com/user-id: ${externalId ?? '<your id>'}` }, ` or your Slack e-mail as `, { type: 'code', text: 'spec.profile.email' }, '.'],
      ];
    case 'teams':
      return [
        [`I don't know which catalog User you are: you are Teams user `, { type: 'code', text: displayName ?? externalId ?? 'unknown' }, email ? ` with e-mail ${email}` : '', '.'],
        [`A User in an org catalog source is you when it has the annotation `, { type: 'code', text: 'microsoft.com/teams-user-id' }, ` (your Entra object id) or your e-mail as `, { type: 'code', text: 'spec.profile.email' }, '.'],
      ];
    case 'shell':
    case 'cli':
      return displayName
        ? [[`CALLSHEET_USER is `, { type: 'code', text: displayName }, `, which matches no catalog User (by e-mail or ref) in an org source.`]]
        : [[`I don't know who you are: set `, { type: 'code', text: 'CALLSHEET_USER' }, ` to your e-mail or catalog User, e.g. `, { type: 'code', text: 'CALLSHEET_USER=ada@example.com' }, '.']];
    default:
      return [[`I don't know which catalog User you are on ${platform}.`]];
  }
}
