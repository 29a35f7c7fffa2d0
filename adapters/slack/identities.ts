/**
 * Catalog Users <-> Slack users. A User maps by its `slack.com/user-id` annotation, else by
 * `spec.profile.email` through users.lookupByEmail. Look-ups (hits and misses) and requesters are
 * cached in Postgres with a TTL, so every replica shares them and a busy hour stays under Slack's
 * rate limits.
 */
import type { WebClient } from '@slack/web-api';
import { and, eq, inArray, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Clock } from '../../src/clock.js';
import type { Reply, RichText, Span } from '../../src/reply/reply.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import { chatEmailLookups, chatIdentities, entities } from '../../src/db/schema.js';
import type { Logger } from '../../src/logger.js';
import { resolveSlackUser } from '../../src/trust/identity.js';
import { isSlackUserId } from './mrkdwn.js';
import { RecentAnswers } from './recent.js';

export const SLACK_USER_ANNOTATION = 'slack.com/user-id';

export const IDENTITY_TTL = {
  /** A found Slack user (email -> id, and a requester who maps to a catalog User). */
  hitMs: 24 * 3_600_000,
  /** Nobody found: asked again sooner, as people join Slack or the catalog. */
  missMs: 3_600_000,
  /** The per-process memory in front of the Postgres cache. */
  recentMs: 60_000,
};

/** Recent requesters and email look-ups of one process (see RecentAnswers). */
export interface IdentityMemory {
  requesters: RecentAnswers<Requester>;
  emails: RecentAnswers<string | null>;
}

export function identityMemory(maxEntries = 10_000): IdentityMemory {
  return { requesters: new RecentAnswers(IDENTITY_TTL.recentMs, maxEntries), emails: new RecentAnswers(IDENTITY_TTL.recentMs, maxEntries) };
}

export interface IdentityDeps {
  db: Db;
  web: WebClient;
  clock: Clock;
  logger: Logger;
  /** Saves the Postgres round trips for people asked about a moment ago. */
  memory?: IdentityMemory;
}

type UserSpan = Extract<Span, { type: 'user' }>;

function userSpans(reply: Reply): UserSpan[] {
  const rich: RichText[] = [];
  for (const s of reply.sections) {
    if (s.text) rich.push(s.text);
    for (const f of s.fields ?? []) rich.push(f.value);
    for (const item of s.list ?? []) rich.push(item.text, item.detail ?? []);
  }
  rich.push(...(reply.context ?? []));
  return rich.flat().filter((span): span is UserSpan => typeof span === 'object' && span.type === 'user');
}

const annotationSql = sql<string | null>`${entities.entity}->'metadata'->'annotations'->>${SLACK_USER_ANNOTATION}`;
const emailSql = sql<string | null>`lower(${entities.entity}->'spec'->'profile'->>'email')`;

function fresh(fetchedAt: Date, found: boolean, now: Date): boolean {
  return now.getTime() - fetchedAt.getTime() < (found ? IDENTITY_TTL.hitMs : IDENTITY_TTL.missMs);
}

function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

/** Emails -> Slack user ids, from the cache or users.lookupByEmail (at most 4 at a time). */
export async function lookupEmails(deps: IdentityDeps, emails: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
  const found = new Map<string, string>();
  const now = deps.clock.now();
  const known = new Set<string>();
  for (const email of wanted) {
    const recent = deps.memory?.emails.get(email, now.getTime());
    if (!recent) continue;
    known.add(email);
    if (recent.value) found.set(email, recent.value);
  }
  const unknown = wanted.filter((email) => !known.has(email));
  if (!unknown.length) return found;
  const cached = await deps.db
    .select()
    .from(chatEmailLookups)
    .where(and(eq(chatEmailLookups.platform, 'slack'), inArray(chatEmailLookups.email, unknown)));
  for (const row of cached) {
    if (!fresh(row.fetchedAt, !!row.externalId, now)) continue;
    known.add(row.email);
    deps.memory?.emails.set(row.email, row.externalId, now.getTime());
    if (row.externalId) found.set(row.email, row.externalId);
  }
  const limit = pLimit(4);
  await Promise.all(
    wanted
      .filter((email) => !known.has(email))
      .map((email) =>
        limit(async () => {
          let externalId: string | null;
          try {
            const result = await deps.web.users.lookupByEmail({ email });
            externalId = result.user?.id ?? null;
          } catch (error) {
            if (slackErrorCode(error) !== 'users_not_found') {
              // Not an answer about this person (rate limit after retries, outage): do not cache it.
              deps.logger.warn({ err: (error as Error).message }, 'users.lookupByEmail failed; showing the name instead of a mention');
              return;
            }
            externalId = null;
          }
          await rememberEmail(deps, email, externalId);
          if (externalId) found.set(email, externalId);
        }),
      ),
  );
  return found;
}

async function rememberEmail(deps: IdentityDeps, email: string, externalId: string | null): Promise<void> {
  const fetchedAt = deps.clock.now();
  await deps.db
    .insert(chatEmailLookups)
    .values({ platform: 'slack', email, externalId, fetchedAt })
    .onConflictDoUpdate({ target: [chatEmailLookups.platform, chatEmailLookups.email], set: { externalId, fetchedAt } });
  deps.memory?.emails.set(email, externalId, fetchedAt.getTime());
}

/** Catalog User ref -> Slack user id for every user span in the reply that can be resolved. */
export async function resolveMentions(deps: IdentityDeps, reply: Reply): Promise<Map<string, string>> {
  const mentions = new Map<string, string>();
  const spans = userSpans(reply).filter((s) => !isSlackUserId(s.slackId));
  if (!spans.length) return mentions;
  // Spans built from a catalog row already carry its email; only bare refs need the row read.
  const refs = [...new Set(spans.filter((s) => !s.email).map((s) => s.ref.toLowerCase()))];
  const rows = refs.length
    ? await deps.db
        .select({ ref: entities.ref, slackId: annotationSql, email: emailSql })
        .from(entities)
        .where(inArray(entities.ref, refs))
    : [];
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  const emailOf = new Map<string, string>();
  for (const span of spans) {
    const ref = span.ref.toLowerCase();
    const row = byRef.get(ref);
    if (isSlackUserId(row?.slackId ?? undefined)) {
      mentions.set(span.ref, row!.slackId!);
      continue;
    }
    const email = row?.email ?? span.email?.toLowerCase();
    if (email) emailOf.set(span.ref, email);
  }
  const ids = await lookupEmails(deps, [...emailOf.values()]);
  for (const [ref, email] of emailOf) {
    const id = ids.get(email);
    if (id) mentions.set(ref, id);
  }
  return mentions;
}

/**
 * The catalog User behind a Slack user, as the trust module decides from org data: by annotation,
 * else by the email Slack has for them (users.info). Only Slack's answer (email, name) is cached;
 * the mapping is decided afresh, so a conflict or a removed User takes effect at once. If Slack
 * cannot be asked, the requester is still returned, mapped by annotation only.
 */
export async function resolveRequester(deps: IdentityDeps, who: { userId: string; teamId?: string; name?: string }): Promise<Requester> {
  const workspaceId = who.teamId ?? '';
  const now = deps.clock.now();
  const memoryKey = `${workspaceId}/${who.userId}`;
  const recent = deps.memory?.requesters.get(memoryKey, now.getTime());
  if (recent) return recent.value;
  const key = and(eq(chatIdentities.platform, 'slack'), eq(chatIdentities.workspaceId, workspaceId), eq(chatIdentities.externalId, who.userId));
  const [cached] = await deps.db.select().from(chatIdentities).where(key);
  const base: Requester = { platform: 'slack', externalId: who.userId, displayName: who.name };
  const identify = async (email: string | undefined) => (await resolveSlackUser(deps.db, { userId: who.userId, ...(email ? { email } : {}) }, deps.logger)).userRef;
  if (cached && fresh(cached.fetchedAt, !!cached.email, now)) {
    const email = cached.email ?? undefined;
    const userRef = await identify(email);
    const requester = { ...base, displayName: cached.displayName ?? who.name, email, userRef };
    deps.memory?.requesters.set(memoryKey, requester, now.getTime());
    return requester;
  }
  let email: string | undefined;
  let displayName = who.name;
  try {
    const info = await deps.web.users.info({ user: who.userId });
    email = info.user?.profile?.email?.toLowerCase();
    displayName = info.user?.profile?.display_name || info.user?.real_name || info.user?.name || displayName;
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message }, 'users.info failed; answering without the requester identity');
    return { ...base, userRef: await identify(undefined) };
  }
  const userRef = await identify(email);
  const values = { email: email ?? null, displayName: displayName ?? null, userRef: userRef ?? null, fetchedAt: now };
  await deps.db
    .insert(chatIdentities)
    .values({ platform: 'slack', workspaceId, externalId: who.userId, ...values })
    .onConflictDoUpdate({ target: [chatIdentities.platform, chatIdentities.workspaceId, chatIdentities.externalId], set: values });
  if (email) await rememberEmail(deps, email, who.userId);
  const requester = { ...base, displayName, email, userRef };
  deps.memory?.requesters.set(memoryKey, requester, now.getTime());
  return requester;
}
