/**
 * A snapshot whose entities come ready-made from another catalog (an existing Backstage) instead of
 * from files: there is nothing to parse, no Location to follow and no placeholder to resolve, and
 * the other catalog's relations, uids and location annotations are kept as they are. Each entity is
 * its own "file" (its ref), so one broken entity keeps its last good version and nothing else.
 */
import type { CatalogRecord } from '../catalog/store.js';
import type { KindRule } from '../trust/source-rules.js';
import type { Problem, Snapshot } from './types.js';

export interface ExternalReadOptions {
  /** Kinds allowed (any case); undefined allows every kind. */
  allowedKinds?: readonly string[];
  kindRule?: KindRule;
  onRecords(records: CatalogRecord[], fileFailed: boolean): Promise<void>;
}

export interface ExternalReadResult {
  problems: Problem[];
  /** Entities ("files") whose previous version must be kept. */
  failedFiles: Set<string>;
  /** Entities looked at this run, including those the other catalog no longer has (so they are removed, not orphaned). */
  filesRead: Set<string>;
}

export interface ExternalSnapshot extends Snapshot {
  readRecords(options: ExternalReadOptions): Promise<ExternalReadResult>;
}

export function isExternal(snapshot: Snapshot): snapshot is ExternalSnapshot {
  return typeof (snapshot as Partial<ExternalSnapshot>).readRecords === 'function';
}
