/**
 * What a person's home screen shows: the teams they belong to, what each owns (counts by kind and
 * the first entries) and the catalog problems in their teams' files. Plain data, for any face.
 */
import { asc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { query } from '../db/client.js';
import { entities } from '../db/schema.js';
import { orgGroupsOf } from '../trust/membership.js';
import { shortRef } from './refs.js';

export interface HomeEntity {
  ref: string;
  kind: string;
  name: string;
  title: string | null;
}

export interface HomeProblem {
  filePath: string;
  line: number | null;
  message: string;
}

export interface HomeTeam {
  ref: string;
  /** Short name, as typed in commands (`team <name>`). */
  name: string;
  title: string | null;
  owned: { total: number; byKind: { kind: string; count: number }[]; first: HomeEntity[] };
  problems: { total: number; first: HomeProblem[] };
}

export interface HomeData {
  userRef?: string;
  teams: HomeTeam[];
  /** Teams left out beyond the limit. */
  moreTeams: number;
}

export interface HomeLimits {
  teams: number;
  entities: number;
  problems: number;
}

const DEFAULT_LIMITS: HomeLimits = { teams: 8, entities: 5, problems: 5 };

export async function loadHome(db: Db, userRef: string | undefined, limits: HomeLimits = DEFAULT_LIMITS): Promise<HomeData> {
  if (!userRef) return { teams: [], moreTeams: 0 };
  // Teams are identity data: memberships declared in org sources only (the trust module decides).
  const groupRefs = [...(await orgGroupsOf(db, userRef))];
  const memberships = groupRefs.length
    ? await db.select({ ref: entities.ref, title: entities.title }).from(entities).where(inArray(entities.ref, groupRefs)).orderBy(asc(entities.ref))
    : [];
  const shown = memberships.slice(0, limits.teams);
  const refs = shown.map((m) => m.ref);
  if (!refs.length) return { userRef, teams: [], moreTeams: 0 };

  const counts = await db
    .select({ owner: entities.ownerRef, kind: entities.kind, count: sql<number>`count(*)::int` })
    .from(entities)
    .where(inArray(entities.ownerRef, refs))
    .groupBy(entities.ownerRef, entities.kind)
    .orderBy(entities.ownerRef, entities.kind);
  const refList = sql.join(refs.map((r) => sql`${r}`), sql`, `);
  const first = await query<{ owner: string; ref: string; kind: string; name: string; title: string | null }>(
    db,
    sql`select owner_ref as owner, ref, kind, name, title from (
          select owner_ref, ref, kind, name, title, row_number() over (partition by owner_ref order by kind, name) as n
          from entities where owner_ref in (${refList})) ranked
        where n <= ${limits.entities} order by owner_ref, n`,
  );
  const problems = await query<{ owner: string; file_path: string; line: number | null; message: string; n: number; total: number }>(
    db,
    sql`select owner, file_path, line, message, n, total from (
          select owner_ref as owner, file_path, line, message,
                 row_number() over (partition by owner_ref order by file_path, line nulls first, id) as n,
                 count(*) over (partition by owner_ref)::int as total
          from sync_problems where owner_ref in (${refList})) ranked
        where n <= ${limits.problems} order by owner, n`,
  );

  const teams = shown.map((m): HomeTeam => {
    const byKind = counts.filter((c) => c.owner === m.ref).map((c) => ({ kind: c.kind, count: Number(c.count) }));
    const mine = problems.filter((p) => p.owner === m.ref);
    return {
      ref: m.ref,
      name: shortRef(m.ref),
      title: m.title,
      owned: {
        total: byKind.reduce((n, k) => n + k.count, 0),
        byKind,
        first: first.filter((f) => f.owner === m.ref).map((f) => ({ ref: f.ref, kind: f.kind, name: f.name, title: f.title })),
      },
      problems: {
        total: Number(mine[0]?.total ?? 0),
        first: mine.map((p) => ({ filePath: p.file_path, line: p.line, message: p.message })),
      },
    };
  });
  return { userRef, teams, moreTeams: memberships.length - shown.length };
}
