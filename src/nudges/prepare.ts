/**
 * Writes a run's plan in one transaction: team scores and one `nudge_deliveries` row per team
 * (`pending`, or `undeliverable` when it has no route). A replica that takes over a prepared run
 * finds the rows and does not plan again.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { nudgeDeliveries, nudgeRuns } from '../db/schema.js';
import { metrics } from '../metrics.js';
import { planRun, type PlanOptions } from './plan.js';
import { LostClaimError } from './run-model.js';
import { recordScores } from './scores.js';

export async function prepareRun(db: Db, me: string, runId: number, options: PlanOptions): Promise<void> {
  const { at } = options;
  const plan = await planRun(db, options);
  await db.transaction(async (tx) => {
    const owned = await tx
      .update(nudgeRuns)
      .set({ summary: { prepared: true, teams: plan.digests.length, findings: plan.digests.reduce((n, d) => n + d.digest.total, 0) } })
      .where(and(eq(nudgeRuns.id, runId), eq(nudgeRuns.claimedBy, me)))
      .returning({ id: nudgeRuns.id });
    if (owned.length === 0) throw new LostClaimError(runId);
    await recordScores(tx as unknown as Db, plan.reports, at, runId);
    const rows = plan.digests.map(({ teamRef, digest, plan: route }) => ({
      runId,
      teamRef,
      status: route.routes.length > 0 ? 'pending' : 'undeliverable',
      route: route as unknown as Record<string, unknown>,
      digest: { ...digest, runId } as unknown as Record<string, unknown>,
      messages: [],
      error: route.undeliverable ?? null,
    }));
    for (let i = 0; i < rows.length; i += 500) await tx.insert(nudgeDeliveries).values(rows.slice(i, i + 500)).onConflictDoNothing();
  });
  for (const d of plan.digests) if (d.plan.routes.length === 0) metrics.nudges.inc({ outcome: 'undeliverable' });
}
