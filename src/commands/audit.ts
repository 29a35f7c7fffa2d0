/**
 * `audit [user|entity|template] [--since 7d]`: the newest audit rows, about a person (what they
 * did) or an entity or template (what was done with it). Only members of CALLSHEET_ADMINS may read
 * it; anyone else is refused, and the refusal is itself recorded.
 */
import { listAudit, type AuditFilter, type AuditRow } from '../audit/query.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { shortRef } from '../catalog/refs.js';
import { parseDuration } from '../config/duration.js';
import { mayAdminister } from '../trust/index.js';
import { errorReply, refusalReply, type Reply } from '../reply/reply.js';
import type { Command } from './types.js';

const SHOWN = 20;
const DEFAULT_SINCE_MS = 7 * 86_400_000;

export interface AuditArgs {
  subject?: string;
  sinceMs: number;
}

/** `[subject] [--since 7d]` (also `--since=7d`); undefined with a message when malformed. */
export function parseAuditArgs(args: string): { ok: true; value: AuditArgs } | { ok: false; message: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let sinceMs = DEFAULT_SINCE_MS;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const inline = /^--since=(.*)$/.exec(word);
    if (word === '--since' || inline) {
      const value = inline ? inline[1] : words[++i];
      const ms = value === undefined ? undefined : parseDuration(value);
      if (!ms || ms <= 0) return { ok: false, message: `--since needs a duration such as 7d, 12h or 30m${value ? `, not "${value}"` : ''}.` };
      sinceMs = ms;
    } else if (word.startsWith('--')) {
      return { ok: false, message: `Unknown option ${word}. Usage: audit [user|entity|template] [--since 7d]` };
    } else {
      rest.push(word);
    }
  }
  if (rest.length > 1) return { ok: false, message: 'Name one user, entity or template at a time.' };
  return { ok: true, value: { subject: rest[0], sinceMs } };
}

function line(row: AuditRow): string {
  const at = row.at.toISOString().slice(0, 16).replace('T', ' ');
  const who = row.actorRef ? `${shortRef(row.actorRef)} (${row.actor})` : row.actor;
  const what = [row.action, row.target].filter(Boolean).join(' ');
  return `${at} · ${row.platform} · ${who} · ${what} · ${row.outcome}`;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Who did what from chat, the API and the shell (admins only)',
  usage: 'audit [user|entity|template] [--since 7d]',
  example: 'audit payments-api --since 30d',
  async run(args, ctx): Promise<Reply> {
    const may = await mayAdminister(ctx.db, ctx.requester, ctx.adminGroups ?? []);
    if (!may.ok) return refusalReply(`Only members of the CALLSHEET_ADMINS groups may read the audit log: ${may.reason}.`);
    const parsed = parseAuditArgs(args);
    if (!parsed.ok) return errorReply(parsed.message);
    const { subject, sinceMs } = parsed.value;
    const filter: AuditFilter = { since: new Date(ctx.clock.now().getTime() - sinceMs), limit: SHOWN + 1 };
    let about = 'everyone';
    if (subject) {
      const found = await resolveEntity(ctx.db, subject);
      if (found.status === 'found' && found.entity.kind === 'user') {
        filter.actor = found.entity.ref;
        about = shortRef(found.entity.ref);
      } else if (found.status === 'found') {
        filter.subject = { ref: found.entity.ref, name: found.entity.name };
        about = shortRef(found.entity.ref);
      } else {
        // Not in the catalog (a removed entity, a Slack id): match what was recorded as typed.
        filter.subject = { ref: subject.toLowerCase(), name: subject };
        filter.actor = undefined;
        about = subject;
      }
    }
    const rows = await listAudit(ctx.db, filter);
    const days = Math.round((sinceMs / 86_400_000) * 10) / 10;
    const header = `Audit log: ${about}, last ${days} day${days === 1 ? '' : 's'}`;
    if (rows.length === 0) return { summary: `${header}: nothing recorded.`, header, sections: [{ text: ['Nothing recorded.'] }] };
    const shown = rows.slice(0, SHOWN);
    return {
      summary: `${header}: ${shown.length}${rows.length > SHOWN ? '+' : ''} entries.`,
      header,
      sections: [
        {
          list: shown.map((row) => ({
            text: [line(row)],
            ...(row.text ? { detail: [{ type: 'code' as const, text: row.text.slice(0, 300) }] } : {}),
          })),
          ...(rows.length > SHOWN ? { more: { count: rows.length - SHOWN } } : {}),
        },
      ],
      context: [['Everything, as JSON lines: ', { type: 'code', text: 'callsheet audit --since 30d' }]],
    };
  },
};
