/**
 * `callsheet audit [--since 7d] [--user <ref or id>] [--entity <ref>] [--limit N]`: the audit log as
 * JSON lines, oldest first, for piping into jq or a SIEM. Whoever can run this can read the
 * database anyway, so it needs no admin group; secrets were scrubbed before the rows were written.
 */
import { listAudit, type AuditFilter } from '../audit/query.js';
import { systemClock, type Clock } from '../clock.js';
import { toRef } from '../catalog/refs.js';
import { loadConfig } from '../config/index.js';
import { parseDuration } from '../config/duration.js';
import type { Db } from '../db/client.js';
import { openDatabaseFromConfig } from '../db/from-config.js';
import type { CliIo, SubCommand } from './io.js';

const USAGE = 'Usage: callsheet audit [--since 7d] [--user <user ref or chat id>] [--entity <entity or template ref>] [--limit 10000]';

type Parsed = { ok: true; sinceMs: number; user?: string; entity?: string; limit: number } | { ok: false; message: string };

export function parseAuditCliArgs(args: string[]): Parsed {
  const out = { sinceMs: 7 * 86_400_000, limit: 10_000 } as { sinceMs: number; user?: string; entity?: string; limit: number };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = inline ?? args[++i];
    if (value === undefined) return { ok: false, message: `${flag} needs a value` };
    switch (flag) {
      case '--since': {
        const ms = parseDuration(value);
        if (!ms || ms <= 0) return { ok: false, message: `--since: expected a duration such as 7d, 12h or 30m, got "${value}"` };
        out.sinceMs = ms;
        break;
      }
      case '--user':
        out.user = value;
        break;
      case '--entity':
        out.entity = value;
        break;
      case '--limit': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return { ok: false, message: `--limit: expected a whole number above 0, got "${value}"` };
        out.limit = n;
        break;
      }
      default:
        return { ok: false, message: `unknown option ${flag}` };
    }
  }
  return { ok: true, ...out };
}

function userFilter(value: string): string {
  // `ada` or `user:ada` -> user:default/ada; a chat id (U0ADA, 29:…) stays as it is.
  if (/^user:/i.test(value) || /^[a-z0-9][a-z0-9._-]*$/.test(value)) {
    try {
      return toRef(value, { defaultKind: 'User' });
    } catch {
      return value;
    }
  }
  return value;
}

/** The command against an open database (this process's, or the server's for a forwarded `audit`). */
export async function runAudit(args: string[], io: Pick<CliIo, 'out' | 'err'>, db: Db, clock: Clock = systemClock): Promise<number> {
  const parsed = parseAuditCliArgs(args);
  if (!parsed.ok) {
    io.err(`${parsed.message}\n${USAGE}`);
    return 2;
  }
  const filter: AuditFilter = { since: new Date(clock.now().getTime() - parsed.sinceMs), limit: parsed.limit };
  if (parsed.user) filter.actor = userFilter(parsed.user);
  if (parsed.entity) filter.subject = { ref: parsed.entity.toLowerCase() };
  const rows = await listAudit(db, filter);
  for (const row of rows.reverse()) io.out(JSON.stringify({ ...row, at: row.at.toISOString() }));
  return 0;
}

export function createAuditCli(clock: Clock = systemClock): SubCommand {
  return async (args: string[], io: CliIo) => {
    // Usage errors before opening anything.
    const parsed = parseAuditCliArgs(args);
    if (!parsed.ok) {
      io.err(`${parsed.message}\n${USAGE}`);
      return 2;
    }
    const database = await openDatabaseFromConfig(loadConfig(io.env));
    try {
      return await runAudit(args, io, database.db, clock);
    } finally {
      await database.close();
    }
  };
}

export const auditCli: SubCommand = createAuditCli();
