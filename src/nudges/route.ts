/**
 * Where each team's digest goes: the team's channel (Group annotation, or a conversation stored when
 * the bot was added to the team), else a direct message to each member found on the platform, else
 * the fallback channel, else nowhere (recorded as undeliverable).
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { chatChannels, chatIdentities, entities } from '../db/schema.js';
import { UNOWNED } from './evaluate.js';
import type { Member, MemberDirectory, Route } from './ports.js';

/** The Group annotation that names a team's channel, per platform. */
export const CHANNEL_ANNOTATION: Record<string, string> = {
  slack: 'slack.com/channel-id',
  teams: 'teams.microsoft.com/channel-id',
};

export interface TeamRouting {
  teamRef: string;
  /** Whether the team is a Group or User in the catalog. */
  known: boolean;
  annotations: Record<string, string>;
  /** Conversations stored per platform for the team (e.g. Teams conversation references). */
  storedChannels: Record<string, string[]>;
  /** Members (a User team is its own single member). */
  members: Member[];
}

export interface Fallback {
  platform: string;
  target: string;
}

export interface RoutePlan {
  routes: Route[];
  /** Why there are no routes, when there are none. */
  undeliverable?: string;
}

/**
 * Pure choice of routes. `platforms` are those a sender exists for; `chatIds` maps, per platform,
 * member refs to chat user ids.
 */
export function chooseRoutes(team: TeamRouting, platforms: string[], chatIds: Record<string, Map<string, string>>, fallback?: Fallback): RoutePlan {
  const channels: Route[] = [];
  if (team.teamRef !== UNOWNED) {
    for (const platform of platforms) {
      const key = CHANNEL_ANNOTATION[platform];
      const annotated = key ? team.annotations[key]?.trim() : undefined;
      if (annotated) channels.push({ platform, kind: 'channel', target: annotated, reason: `annotation ${key} on ${team.teamRef}` });
      else
        for (const target of team.storedChannels[platform] ?? [])
          channels.push({ platform, kind: 'channel', target, reason: `conversation stored for ${team.teamRef} when the bot was added` });
    }
  }
  if (channels.length > 0) return { routes: channels };

  const dms: Route[] = [];
  for (const platform of platforms) {
    const ids = chatIds[platform];
    for (const member of team.members) {
      const id = ids?.get(member.userRef);
      if (id) dms.push({ platform, kind: 'dm', target: id, reason: `no channel for the team; direct message to member ${member.userRef} found on ${platform}` });
    }
  }
  if (dms.length > 0) return { routes: dms };

  const why =
    team.teamRef === UNOWNED
      ? 'nobody owns these entities'
      : !team.known
        ? `${team.teamRef} is not a Group or User in the catalog`
        : team.members.length === 0
          ? `no channel annotation and ${team.teamRef} has no members`
          : `no channel annotation and no member of ${team.teamRef} found on ${platforms.join(', ') || 'any chat platform'}`;
  if (fallback && platforms.includes(fallback.platform)) {
    return { routes: [{ platform: fallback.platform, kind: 'fallback', target: fallback.target, reason: `NUDGE_FALLBACK_CHANNEL: ${why}` }] };
  }
  return { routes: [], undeliverable: `${why}, and NUDGE_FALLBACK_CHANNEL is not set${fallback ? ` for an enabled platform` : ''}` };
}

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** What routing needs for many teams, in a few set-based queries. */
export async function loadTeamRouting(db: Db, teamRefs: string[]): Promise<Map<string, TeamRouting>> {
  const out = new Map<string, TeamRouting>();
  for (const ref of teamRefs) out.set(ref, { teamRef: ref, known: false, annotations: {}, storedChannels: {}, members: [] });
  const refs = teamRefs.filter((r) => r !== UNOWNED);
  for (const part of chunks(refs)) {
    const teams = await db
      .select({ ref: entities.ref, kind: entities.kind, annotations: sql<Record<string, unknown> | null>`${entities.entity}->'metadata'->'annotations'` })
      .from(entities)
      .where(and(inArray(entities.ref, part), inArray(entities.kind, ['group', 'user'])));
    for (const t of teams) {
      const team = out.get(t.ref)!;
      team.known = true;
      for (const [k, v] of Object.entries(t.annotations ?? {})) if (typeof v === 'string') team.annotations[k] = v;
      if (t.kind === 'user') team.members.push({ userRef: t.ref });
    }
    const members = await query<{ group_ref: string; user_ref: string; email: string | null }>(
      db,
      sql`select r.source_ref as group_ref, r.target_ref as user_ref, u.entity->'spec'->'profile'->>'email' as email
            from relations r left join entities u on u.ref = r.target_ref
           where r.type = 'hasMember' and r.source_ref in (${sql.join(part.map((p) => sql`${p}`), sql`, `)})
           order by r.source_ref, r.target_ref`,
    );
    for (const m of members) out.get(m.group_ref)?.members.push({ userRef: m.user_ref, email: m.email ?? undefined });
    const users = await query<{ ref: string; email: string | null }>(
      db,
      sql`select ref, entity->'spec'->'profile'->>'email' as email from entities
           where kind = 'user' and ref in (${sql.join(part.map((p) => sql`${p}`), sql`, `)})`,
    );
    for (const u of users) {
      const self = out.get(u.ref)?.members[0];
      if (self && u.email) self.email = u.email;
    }
    const stored = await db.select({ platform: chatChannels.platform, id: chatChannels.conversationId, groupRef: chatChannels.groupRef }).from(chatChannels).where(inArray(chatChannels.groupRef, part));
    for (const c of stored.sort((a, b) => a.id.localeCompare(b.id))) {
      const team = out.get(c.groupRef!)!;
      (team.storedChannels[c.platform] ??= []).push(c.id);
    }
  }
  return out;
}

/** The User annotation that names a member's own chat id, per platform. */
export const USER_ID_ANNOTATION: Record<string, { key: string; valid: RegExp }> = {
  slack: { key: 'slack.com/user-id', valid: /^[UW][A-Z0-9]{2,}$/ },
};

async function annotatedIds(db: Db, platform: string, members: Member[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const annotation = USER_ID_ANNOTATION[platform];
  if (!annotation) return found;
  const refs = [...new Set(members.map((m) => m.userRef.toLowerCase()))];
  const byRef = new Map<string, string>();
  for (let i = 0; i < refs.length; i += CHUNK) {
    const rows = await db
      .select({ ref: entities.ref, id: sql<string | null>`${entities.entity}->'metadata'->'annotations'->>${annotation.key}` })
      .from(entities)
      .where(inArray(entities.ref, refs.slice(i, i + CHUNK)));
    for (const row of rows) if (row.id && annotation.valid.test(row.id.trim())) byRef.set(row.ref, row.id.trim());
  }
  for (const m of members) {
    const id = byRef.get(m.userRef.toLowerCase());
    if (id) found.set(m.userRef, id);
  }
  return found;
}

/** Members' chat ids from the identities the chat adapters have already stored (by User ref or email). */
export function storedIdentityDirectory(db: Db, platform: string): MemberDirectory {
  return {
    platform,
    async chatIdsOf(members) {
      // A User annotated with its chat id (`slack.com/user-id`) is reachable without a stored identity.
      const found = await annotatedIds(db, platform, members);
      const refs = [...new Set(members.map((m) => m.userRef))];
      const emails = [...new Set(members.map((m) => m.email?.toLowerCase()).filter((e): e is string => !!e))];
      for (let i = 0; i < Math.max(refs.length, emails.length); i += CHUNK) {
        const r = refs.slice(i, i + CHUNK);
        const e = emails.slice(i, i + CHUNK);
        const rows = await db
          .select({ externalId: chatIdentities.externalId, userRef: chatIdentities.userRef, email: chatIdentities.email })
          .from(chatIdentities)
          .where(and(eq(chatIdentities.platform, platform), or(r.length ? inArray(chatIdentities.userRef, r) : sql`false`, e.length ? inArray(sql`lower(${chatIdentities.email})`, e) : sql`false`)));
        const byRef = new Map(rows.filter((x) => x.userRef).map((x) => [x.userRef!, x.externalId]));
        const byEmail = new Map(rows.filter((x) => x.email).map((x) => [x.email!.toLowerCase(), x.externalId]));
        for (const m of members) {
          const id = byRef.get(m.userRef) ?? (m.email ? byEmail.get(m.email.toLowerCase()) : undefined);
          if (id && !found.has(m.userRef)) found.set(m.userRef, id);
        }
      }
      return found;
    },
  };
}

/** Routes for every team: loads routing data, asks each platform's directory for the members, chooses. */
export async function planAllRoutes(db: Db, teamRefs: string[], directories: MemberDirectory[], fallback?: Fallback): Promise<Map<string, RoutePlan>> {
  const routing = await loadTeamRouting(db, teamRefs);
  const platforms = directories.map((d) => d.platform);
  // Only teams without a channel need their members looked up (directories may call rate-limited APIs).
  const withoutChannel = [...routing.values()].filter((t) => chooseRoutes(t, platforms, {}).routes.length === 0);
  const members = withoutChannel.flatMap((t) => t.members);
  const chatIds: Record<string, Map<string, string>> = {};
  for (const directory of directories) chatIds[directory.platform] = members.length > 0 ? await directory.chatIdsOf(members) : new Map();
  return new Map([...routing.values()].map((team) => [team.teamRef, chooseRoutes(team, platforms, chatIds, fallback)]));
}
