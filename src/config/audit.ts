import { z } from 'zod';

export const auditEnv = z.object({
  /** Audit rows older than this many days are deleted (daily, by one replica). */
  AUDIT_RETENTION_DAYS: z.coerce
    .number({ invalid_type_error: 'expected a whole number of days' })
    .int({ message: 'expected a whole number of days' })
    .min(1, { message: 'expected at least 1 day' })
    .max(36_500, { message: 'expected at most 36500 days' })
    .default(365),
});
