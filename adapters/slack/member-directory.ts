/**
 * Catalog Users -> Slack user ids for nudge routing (direct messages to a team's members): the
 * `slack.com/user-id` annotation first, else the profile email through users.lookupByEmail, whose
 * answers (found or not) are cached in Postgres and shared by every replica.
 */
import { inArray, sql } from 'drizzle-orm';
import { entities } from '../../src/db/schema.js';
import type { MemberDirectory } from '../../src/nudges/ports.js';
import { lookupEmails, SLACK_USER_ANNOTATION, type IdentityDeps } from './identities.js';
import { isSlackUserId } from './mrkdwn.js';

const CHUNK = 1000;

export function slackMemberDirectory(deps: IdentityDeps): MemberDirectory {
  return {
    platform: 'slack',
    async chatIdsOf(members) {
      const found = new Map<string, string>();
      const refs = [...new Set(members.map((m) => m.userRef.toLowerCase()))];
      const annotated = new Map<string, string>();
      for (let i = 0; i < refs.length; i += CHUNK) {
        const rows = await deps.db
          .select({ ref: entities.ref, slackId: sql<string | null>`${entities.entity}->'metadata'->'annotations'->>${SLACK_USER_ANNOTATION}` })
          .from(entities)
          .where(inArray(entities.ref, refs.slice(i, i + CHUNK)));
        for (const row of rows) if (isSlackUserId(row.slackId ?? undefined)) annotated.set(row.ref, row.slackId!);
      }
      const byEmail: Array<[string, string]> = [];
      for (const member of members) {
        const id = annotated.get(member.userRef.toLowerCase());
        if (id) found.set(member.userRef, id);
        else if (member.email) byEmail.push([member.userRef, member.email.trim().toLowerCase()]);
      }
      const ids = await lookupEmails(deps, byEmail.map(([, email]) => email));
      for (const [ref, email] of byEmail) {
        const id = ids.get(email);
        if (id && !found.has(ref)) found.set(ref, id);
      }
      return found;
    },
  };
}
