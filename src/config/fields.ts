/** Reusable zod field types for environment variables (always strings on the way in). */
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Description carried by every duration field. */
export const DURATION = 'duration';

export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a duration such as 30s, 5m or 1h, got "${value}"` });
        return z.NEVER;
      }
      return ms;
    })
    // Marks the field so `callsheet config` can print the value as written (`5m`), not milliseconds.
    .describe(DURATION);

export const port = (fallback: number) =>
  z.coerce.number({ invalid_type_error: 'expected a port number' }).int().min(0).max(65535).default(fallback);

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { message: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));

export const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

export const url = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    try {
      return new URL(v.trim()).toString().replace(/\/$/, '');
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a URL, got "${v}"` });
      return z.NEVER;
    }
  });
