/** Reading the audit log: newest first, filtered by who, what and since when. */
import { and, desc, eq, gte, ilike, or, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export interface AuditRow {
  id: number;
  at: Date;
  platform: string;
  actor: string;
  actorRef: string | null;
  action: string;
  target: string | null;
  channel: string | null;
  text: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  since?: Date;
  /** A catalog User ref or a platform id: rows this person did. */
  actor?: string;
  /** An entity or template ref (or name): rows about it. */
  subject?: { ref: string; name?: string };
  limit?: number;
}

function like(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listAudit(db: Db, filter: AuditFilter = {}): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (filter.since) where.push(gte(auditLog.at, filter.since));
  if (filter.actor) where.push(or(eq(auditLog.actorRef, filter.actor.toLowerCase()), eq(auditLog.actor, filter.actor))!);
  if (filter.subject) {
    const { ref, name } = filter.subject;
    const about: SQL[] = [eq(auditLog.target, ref), ilike(auditLog.text, like(ref))];
    if (name) about.push(eq(auditLog.target, name), ilike(auditLog.text, like(name)));
    where.push(or(...about)!);
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(Math.min(Math.max(filter.limit ?? 50, 1), 10_000));
  return rows as AuditRow[];
}

/** Deletes rows older than `before`; returns how many went. */
export async function pruneAudit(db: Db, before: Date): Promise<number> {
  const rows = await query<{ n: number | string }>(db, sql`with gone as (delete from audit_log where at < ${before.toISOString()}::timestamptz returning 1) select count(*) as n from gone`);
  return Number(rows[0]?.n ?? 0);
}
