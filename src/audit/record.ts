/**
 * One row of the audit log: who did what, where, with what text, and how it ended. Every face
 * (Slack, Teams, shell, CLI, HTTP API, MCP) records through here, so scrubbing happens in one place.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { scrubText, scrubValue } from './scrub.js';

export type AuditOutcome = 'ok' | 'error' | 'refused' | 'failed';

export interface AuditEntry {
  platform: string;
  /** The platform's id of the person (Slack user id, Teams id, shell user, API token name). */
  actor: string;
  /** The catalog User they map to, when known. */
  actorRef?: string | null;
  /** What kind of thing happened: command, question, modal.submit, task.create, button, nudge.*, api, refusal… */
  action: string;
  /** What it was about: an entity or template ref, a command name. */
  target?: string | null;
  channel?: string | null;
  /** What was typed. */
  text?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown> | null;
  at: Date;
  /** Values known to be secret in this entry (e.g. a form's password answers): replaced wherever they appear. */
  secrets?: readonly string[];
}

const MAX_TEXT = 2000;

function rowOf(entry: AuditEntry) {
  const known = entry.secrets ?? [];
  const text = (value: string | null | undefined, max = MAX_TEXT) => (value === undefined || value === null ? null : scrubText(value, known).slice(0, max));
  return {
    at: entry.at,
    platform: entry.platform,
    actor: text(entry.actor, 200) ?? '',
    actorRef: entry.actorRef ?? null,
    action: entry.action,
    target: text(entry.target, 500),
    channel: text(entry.channel, 200),
    text: text(entry.text),
    outcome: entry.outcome ?? 'ok',
    details: entry.details ? (scrubValue(entry.details, known) as Record<string, unknown>) : null,
  };
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(rowOf(entry));
}

/**
 * Several rows in one statement (the HTTP API records its calls in batches, see
 * src/http/api-audit.ts): the rows travel as one JSON parameter, which costs far less CPU than
 * building a multi-row insert with ten parameters a row.
 */
export async function recordAuditMany(db: Db, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((e) => {
    const r = rowOf(e);
    return { at: r.at.toISOString(), platform: r.platform, actor: r.actor, actor_ref: r.actorRef, action: r.action, target: r.target, channel: r.channel, text: r.text, outcome: r.outcome, details: r.details };
  });
  await db.execute(sql`insert into ${auditLog} (at, platform, actor, actor_ref, action, target, channel, text, outcome, details)
    select at, platform, actor, actor_ref, action, target, channel, text, outcome, details from json_populate_recordset(null::audit_log, ${JSON.stringify(rows)}::json)`);
}

/**
 * Records without letting a failed insert change the answer a person gets; the failure is logged
 * (without the entry's text) so a gap in the log is visible.
 */
export async function recordAuditSafely(db: Db, logger: Logger, entry: AuditEntry): Promise<void> {
  try {
    await recordAudit(db, entry);
  } catch (error) {
    logger.error({ err: (error as Error).message, action: entry.action, platform: entry.platform }, 'could not write an audit log row');
  }
}
