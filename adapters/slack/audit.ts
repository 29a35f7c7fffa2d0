/** Who did what from Slack, for the audit log. */
import type { Db } from '../../src/db/client.js';
import { auditLog } from '../../src/db/schema.js';

export async function recordAudit(
  db: Db,
  entry: { actor: string; actorRef?: string; action: string; target?: string; details?: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.insert(auditLog).values({
    platform: 'slack',
    actor: entry.actor,
    actorRef: entry.actorRef ?? null,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? null,
    at: entry.at,
  });
}
