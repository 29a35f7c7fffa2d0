/**
 * `callsheet nudge --status`: the latest runs, and every digest of them that will not be delivered
 * (refused by the platform, uncertain after a crash, or without a route), with the reason, so the
 * platform team can fix the channel or invite the bot.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { failedDeliveries } from '../nudges/report.js';

interface RunRow {
  id: number | string;
  slot: string;
  status: string;
  claimed_by: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
}

const iso = (v: Date | string | null) => (v === null ? '-' : new Date(v).toISOString());

export async function printNudgeStatus(db: Db, out: (line: string) => void, runs = 5): Promise<void> {
  const latest = await query<RunRow>(db, sql`select id, slot, status, claimed_by, started_at, finished_at from nudge_runs order by id desc limit ${runs}`);
  if (latest.length === 0) {
    out('No nudge runs yet.');
    return;
  }
  for (const run of latest) {
    const id = Number(run.id);
    const counts = await query<{ status: string; n: number | string }>(db, sql`select status, count(*) as n from nudge_deliveries where run_id = ${id} group by status order by status`);
    const tally = counts.map((c) => `${Number(c.n)} ${c.status}`).join(', ') || 'no deliveries';
    const holder = run.status === 'running' ? ` by ${run.claimed_by ?? '?'}` : '';
    out(`Run ${id} ${run.slot}: ${run.status}${holder}; started ${iso(run.started_at)}, finished ${iso(run.finished_at)}; ${tally}`);
    for (const f of await failedDeliveries(db, id)) {
      out(`  ${f.status.toUpperCase()} ${f.team_ref} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'}): ${(f.error ?? 'no detail recorded').replace(/\n/g, '; ')}`);
    }
  }
}
