/**
 * Deliveries that failed for good are shown to the platform team: once a run is complete, a report
 * of its failed, uncertain and undeliverable digests goes to the fallback channel (once: it carries
 * its own key, looked up before posting and recorded in the run's summary afterwards), and
 * `callsheet nudge --status` lists them from the same rows.
 */
import { sql } from 'drizzle-orm';
import type { Reply } from '../reply/reply.js';
import { query, type Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Pacer } from './pacer.js';
import type { DigestSender, Route } from './ports.js';
import type { Fallback } from './route.js';

export interface FailedDelivery {
  team_ref: string;
  status: string;
  error: string | null;
  attempts: number;
}

/** Digests of a run that will not be delivered. */
export async function failedDeliveries(db: Db, runId: number): Promise<FailedDelivery[]> {
  return query<FailedDelivery>(
    db,
    sql`select team_ref, status, error, attempts from nudge_deliveries
         where run_id = ${runId} and status in ('failed', 'uncertain', 'undeliverable') order by team_ref`,
  );
}

const SHOWN = 20;

export function failureReport(runId: number, failed: FailedDelivery[]): Reply {
  const shown = failed.slice(0, SHOWN);
  return {
    summary: `Nudge run ${runId}: ${failed.length} digest${failed.length === 1 ? '' : 's'} could not be delivered`,
    header: 'Nudge digests not delivered',
    sections: [
      {
        text: [`Run ${runId}: ${failed.length} digest${failed.length === 1 ? ' was' : 's were'} not delivered and will not be retried.`],
        list: shown.map((f) => ({ text: [{ type: 'bold', text: f.team_ref }, ` ${f.status}`], detail: [(f.error ?? 'no detail recorded').slice(0, 500)] })),
        ...(failed.length > shown.length ? { more: { count: failed.length - shown.length, command: 'callsheet nudge --status' } } : {}),
      },
    ],
  };
}

export interface ReportDeps {
  db: Db;
  logger: Logger;
  senders: Map<string, DigestSender>;
  pacer: Pacer;
  fallback?: Fallback;
}

/** Posts the run's failure report to the fallback channel unless there is nothing to report or it was posted. */
export async function reportFailures(deps: ReportDeps, runId: number): Promise<void> {
  const { fallback } = deps;
  const sender = fallback ? deps.senders.get(fallback.platform) : undefined;
  if (!fallback || !sender) return;
  const [run] = await query<{ summary: Record<string, unknown> | null }>(deps.db, sql`select summary from nudge_runs where id = ${runId}`);
  if (run?.summary?.failureReport) return;
  const failed = await failedDeliveries(deps.db, runId);
  if (failed.length === 0) return;
  const route: Route = { platform: fallback.platform, kind: 'fallback', target: fallback.target, reason: 'report of undelivered digests' };
  const key = `callsheet-nudge-report/${runId}`;
  const found = sender.findSent ? await sender.findSent(route, key) : [];
  const messages = found.length > 0 ? found : (await deps.pacer.send(route.platform, route.target, () => sender.send(route, failureReport(runId, failed), { runId, teamRef: '(report)', key }))).messages;
  const record = JSON.stringify({ failureReport: { channel: fallback.target, messages, failed: failed.length } });
  await deps.db.execute(sql`update nudge_runs set summary = coalesce(summary, '{}'::jsonb) || ${record}::jsonb where id = ${runId}`);
  deps.logger.warn({ runId, failed: failed.length, channel: fallback.target }, 'nudge run had undelivered digests; reported to the fallback channel');
}
