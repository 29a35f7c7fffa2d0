/**
 * Identity claims a catalog User makes: its Slack user id, its Teams (Entra ID) object id and its
 * e-mail. Only Users from ORG_SOURCES make claims; a claim made by two of them is a conflict and
 * gives nobody that identity until one of the two files is fixed.
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';

export const SLACK_USER_ANNOTATION = 'slack.com/user-id';
/** The Entra ID object id, as Backstage's Microsoft Graph provider annotates Users. */
export const AAD_OBJECT_ANNOTATION = 'graph.microsoft.com/user-id';

export type ClaimType = 'slack' | 'aad' | 'email';

export interface Claim {
  type: ClaimType;
  value: string;
}

export interface Claimant {
  ref: string;
  slackId: string | null;
  aadObjectId: string | null;
  email: string | null;
}

export type ClaimResult = { status: 'one'; user: Claimant } | { status: 'none' } | { status: 'conflict'; refs: string[] };

const slackSql = sql`e.entity->'metadata'->'annotations'->>${SLACK_USER_ANNOTATION}`;
const aadSql = sql`lower(e.entity->'metadata'->'annotations'->>${AAD_OBJECT_ANNOTATION})`;
const emailSql = sql`lower(trim(e.entity->'spec'->'profile'->>'email'))`;

function valueSql(type: ClaimType): SQL {
  return type === 'slack' ? slackSql : type === 'aad' ? aadSql : emailSql;
}

/** Slack ids are case-sensitive upper-case ids; object ids and e-mails compare case-insensitively. */
export function normaliseClaim(claim: Claim): Claim {
  const value = claim.value.trim();
  return { type: claim.type, value: claim.type === 'slack' ? value : value.toLowerCase() };
}

/** The org User making this claim, none, or the Users in conflict over it. */
export async function usersClaiming(db: Db, raw: Claim): Promise<ClaimResult> {
  const claim = normaliseClaim(raw);
  if (!claim.value) return { status: 'none' };
  const rows = await query<Claimant>(
    db,
    sql`select e.ref, ${slackSql} as "slackId", ${aadSql} as "aadObjectId", ${emailSql} as email
          from entities e join sources s on s.id = e.source_id and s.org
         where e.kind = 'user' and ${valueSql(claim.type)} = ${claim.value}
         order by e.ref limit 10`,
  );
  if (rows.length === 0) return { status: 'none' };
  if (rows.length > 1) return { status: 'conflict', refs: rows.map((r) => r.ref) };
  return { status: 'one', user: rows[0]! };
}

export interface IdentityConflict {
  claim: Claim;
  refs: string[];
}

/** Every claim two or more org Users make, for reporting to the platform team. */
export async function identityConflicts(db: Db): Promise<IdentityConflict[]> {
  const out: IdentityConflict[] = [];
  for (const type of ['slack', 'aad', 'email'] as const) {
    const rows = await query<{ value: string; refs: string[] }>(
      db,
      sql`select v as value, array_agg(ref order by ref) as refs from (
            select e.ref, ${valueSql(type)} as v
              from entities e join sources s on s.id = e.source_id and s.org
             where e.kind = 'user') c
          where v is not null and v <> ''
          group by v having count(*) > 1 order by v`,
    );
    for (const r of rows) out.push({ claim: { type, value: r.value }, refs: r.refs });
  }
  return out;
}

export function describeClaim(claim: Claim): string {
  return claim.type === 'slack' ? `Slack user id ${claim.value}` : claim.type === 'aad' ? `Teams (Entra ID) object id ${claim.value}` : `e-mail ${claim.value}`;
}
