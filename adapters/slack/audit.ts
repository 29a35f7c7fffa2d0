/** Who did what from Slack, for the audit log (scrubbed and written by src/audit). */
import { recordAuditSafely, type AuditEntry } from '../../src/audit/record.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';

export async function recordAudit(db: Db, logger: Logger, entry: Omit<AuditEntry, 'platform'>): Promise<void> {
  await recordAuditSafely(db, logger, { platform: 'slack', ...entry });
}
