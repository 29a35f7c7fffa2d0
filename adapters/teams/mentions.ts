/**
 * Finds the Teams identity of people a reply names, so the card can @mention them: a Teams id on the
 * span, a Teams user seen before with the same email (chat_identities), or the User entity's AAD object
 * id annotation. Anyone else stays plain text.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { query } from '../../src/db/client.js';
import type { MentionLookup, MentionTarget, UserSpan } from './render-card.js';

/** Annotations that hold a user's Entra ID (AAD) object id. */
export const AAD_ANNOTATIONS = ['graph.microsoft.com/user-id', 'microsoft.com/aad-object-id'];

export async function mentionLookup(db: Db, spans: UserSpan[], tenantId?: string): Promise<MentionLookup> {
  const byEmail = new Map<string, string>();
  const byRef = new Map<string, string>();
  const emails = [...new Set(spans.filter((s) => !s.teamsId && s.email).map((s) => s.email!.toLowerCase()))];
  const refs = [...new Set(spans.filter((s) => !s.teamsId).map((s) => s.ref.toLowerCase()))];
  if (emails.length > 0) {
    // Prefer a row from the same tenant; any tenant's row still names the same person.
    const rows = await query<{ email: string; external_id: string }>(
      db,
      sql`select email, external_id from chat_identities where platform = 'teams' and email in (${sql.join(emails.map((e) => sql`${e}`), sql`, `)})
          order by (workspace_id = ${tenantId ?? ''}) asc, fetched_at asc`,
    );
    for (const row of rows) byEmail.set(row.email, row.external_id);
  }
  if (refs.length > 0) {
    const rows = await query<{ ref: string; aad: string | null }>(
      db,
      sql`select ref, coalesce(entity->'metadata'->'annotations'->>${AAD_ANNOTATIONS[0]}, entity->'metadata'->'annotations'->>${AAD_ANNOTATIONS[1]}) as aad
          from entities where ref in (${sql.join(refs.map((r) => sql`${r}`), sql`, `)})`,
    );
    for (const row of rows) if (row.aad) byRef.set(row.ref, row.aad);
  }
  return (span: UserSpan): MentionTarget | undefined => {
    const id = span.teamsId ?? (span.email ? byEmail.get(span.email.toLowerCase()) : undefined) ?? byRef.get(span.ref.toLowerCase());
    return id ? { id, name: span.name } : undefined;
  };
}
