import { z } from 'zod';
import { duration, list, optionalString } from './fields.js';
import { sourceList } from './sources.js';

export const syncEnv = z.object({
  /** Sources of scaffolder templates: like CATALOG_SOURCES, but trusted, so their Templates may run. */
  TEMPLATE_SOURCES: sourceList('./templates'),
  /** Kinds a source may provide (comma list, any case); empty allows every kind. */
  CATALOG_ALLOWED_KINDS: list(''),
  /**
   * What happens to an entity no Location reaches any more: `keep` it, annotated
   * `backstage.io/orphan: 'true'` (Backstage's default), or `delete` it.
   */
  CATALOG_ORPHAN_STRATEGY: z.enum(['keep', 'delete']).default('keep'),
  /** Token for `backstage:<url>` sources, sent as `Authorization: Bearer` to that Backstage only (a static external-access token). */
  BACKSTAGE_TOKEN: optionalString,
  /** How long a source's sync lease lasts without a heartbeat: a dead replica's lease is free after it. */
  SYNC_LEASE_TTL: duration('12s'),
  /** How often a running sync renews its lease; well under SYNC_LEASE_TTL so one late beat does not lose it. */
  SYNC_LEASE_HEARTBEAT: duration('4s'),
});

/** The heartbeat must come round before the lease runs out, or a long sync loses its lease mid-write. */
export function syncConfigProblems(env: z.output<typeof syncEnv>): string[] {
  if (env.SYNC_LEASE_HEARTBEAT * 2 > env.SYNC_LEASE_TTL) {
    return [`SYNC_LEASE_HEARTBEAT: must be at most half of SYNC_LEASE_TTL (${env.SYNC_LEASE_TTL} ms), got ${env.SYNC_LEASE_HEARTBEAT} ms`];
  }
  return [];
}
