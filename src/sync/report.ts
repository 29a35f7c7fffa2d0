/** What one sync of one source reports, and what pruning an unconfigured source reports. */
import type { KindRule } from '../trust/source-rules.js';
import type { Problem, SourceDriver } from './types.js';

export interface SourceReport {
  sourceId: string;
  kind: SourceDriver['kind'];
  target: string;
  trusted: boolean;
  /** `skipped`: another replica is syncing this source right now, or synced it within SYNC_INTERVAL. */
  status: 'synced' | 'unchanged' | 'skipped' | 'failed';
  /** Why it was skipped: its lease is `held` by another run, or it was synced `recent`ly. */
  skippedBecause?: 'held' | 'recent';
  revision?: string;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  problems: Problem[];
  /** Things worth saying that are not problems (e.g. Templates from an untrusted source). */
  notes: string[];
  error?: string;
  durationMs: number;
}

/** A source no longer configured whose entities were removed. */
export interface RemovedSource {
  sourceId: string;
  removed: number;
}

/** A source as the service knows it: its driver and whether its Templates may run. */
export interface ConfiguredSource {
  driver: SourceDriver;
  trusted: boolean;
  /** An ORG_SOURCES source: its Users, Groups and memberships are identity data. */
  org?: boolean;
  /** Which kinds it may declare (its item's `?kinds=`, or the default for its type). */
  rule?: KindRule;
  /** Registered at run time (catalog:register): never reads url targets or URL placeholders. */
  registered?: boolean;
}

export function emptyReport(source: ConfiguredSource, status: SourceReport['status']): SourceReport {
  const { driver, trusted } = source;
  return { sourceId: driver.id, kind: driver.kind, target: driver.target, trusted, status, added: 0, updated: 0, removed: 0, unchanged: 0, problems: [], notes: [], durationMs: 0 };
}
