/**
 * Readiness: whether a load balancer should send this replica traffic. Not ready before the first
 * sync finished, while the database does not answer, or while every configured source failed its
 * last sync (the catalog would be empty or stale everywhere). The database check is cached for a
 * moment, so a probe every second costs at most one query per `cacheMs`, and bounded by a
 * timeout, so an unreachable database flips readiness in about a second instead of a TCP timeout.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';

export interface ReadinessState {
  ready: boolean;
  /** Why not, for the probe's body and the logs. */
  reason?: string;
}

export interface ReadinessOptions {
  db: Db;
  /** Whether the first sync (at start) finished. */
  started: () => boolean;
  /** Ids of the configured sources (those of CATALOG_SOURCES and TEMPLATE_SOURCES). */
  configuredSources: () => string[];
  cacheMs?: number;
  timeoutMs?: number;
}

export type Readiness = () => Promise<ReadinessState>;

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(options: ReadinessOptions): Readiness {
  const cacheMs = options.cacheMs ?? 1500;
  const timeoutMs = options.timeoutMs ?? 1000;
  let cached: { at: number; state: ReadinessState } | undefined;
  let inFlight: Promise<ReadinessState> | undefined;

  async function probe(): Promise<ReadinessState> {
    const ids = options.configuredSources();
    try {
      const rows = await withTimeout(
        ids.length
          ? options.db.select({ id: sources.id, status: sources.lastStatus }).from(sources).where(inArray(sources.id, ids))
          : options.db.execute(sql`select 1`).then(() => []),
        timeoutMs,
      );
      const failed = rows.filter((r) => r.status === 'failed').length;
      if (ids.length > 0 && failed === ids.length) return { ready: false, reason: 'every configured source failed its last sync' };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  return async () => {
    if (!options.started()) return { ready: false, reason: 'first sync not finished' };
    if (cached && Date.now() - cached.at < cacheMs) return cached.state;
    inFlight ??= probe().then((state) => {
      cached = { at: Date.now(), state };
      inFlight = undefined;
      return state;
    });
    return inFlight;
  };
}
