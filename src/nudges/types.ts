/**
 * What the nudge rules see: a snapshot of the catalog read in a few set-based queries, so that every
 * rule is a pure function of it and a clock.
 */

/** One catalog entity, reduced to the columns and annotations the rules look at. */
export interface SnapshotEntity {
  ref: string;
  kind: string;
  name: string;
  title: string | null;
  description: string | null;
  ownerRef: string | null;
  lifecycle: string | null;
  systemRef: string | null;
  /** The annotations rules read (`backstage.io/techdocs-ref`, `backstage.io/orphan`); the loader reads no others. */
  annotations: Record<string, string>;
  /** `metadata.links` as written. */
  links: Array<{ url?: string; title?: string; type?: string }>;
  sourceId: string;
  filePath: string;
  fileUrl: string | null;
  fileCommittedAt: Date | null;
  lastChangedAt: Date;
  lastReviewedAt: Date | null;
}

export interface SnapshotRelation {
  sourceRef: string;
  type: string;
  targetRef: string;
}

/** A catalog file that could not be read or validated in its source's latest sync. */
export interface SnapshotProblem {
  id: number;
  sourceId: string;
  filePath: string;
  line: number | null;
  entityRef: string | null;
  ownerRef: string | null;
  message: string;
}

export interface SnapshotSnooze {
  subject: string;
  rule: string;
  until: Date;
}

export interface CatalogSnapshot {
  entities: SnapshotEntity[];
  relations: SnapshotRelation[];
  problems: SnapshotProblem[];
  snoozes: SnapshotSnooze[];
}

export type RuleId =
  | 'broken-file'
  | 'no-owner'
  | 'orphan'
  | 'unknown-owner'
  | 'owner-without-members'
  | 'deprecated-in-use'
  | 'stale'
  | 'missing-description'
  | 'missing-lifecycle'
  | 'missing-system'
  | 'missing-docs';

export interface Finding {
  rule: RuleId;
  /** The entity ref, or `file:<source>:<path>` for a broken file that no entity represents. */
  subject: string;
  /** The team (Group or User ref) whose digest shows it; null when nobody owns it. */
  teamRef: string | null;
  /** One line saying what is wrong. */
  message: string;
  /** Where to look: the file's browsable URL when known. */
  url?: string;
}

export interface RuleOptions {
  now: Date;
  staleAfterDays: number;
}

/** Indexes shared by all rules, built once per snapshot. */
export interface SnapshotIndex {
  byRef: Map<string, SnapshotEntity>;
  /** Relations by `type` then source ref. */
  outgoing: Map<string, Map<string, string[]>>;
}

/**
 * A check on one entity. `applies` says whether the check counts for the entity's score; `check`
 * returns the finding's message when it fails, undefined when it passes.
 */
export interface EntityRule {
  id: RuleId;
  title: string;
  /** Lower is worse; digests list the worst first. */
  severity: number;
  applies(entity: SnapshotEntity, index: SnapshotIndex): boolean;
  check(entity: SnapshotEntity, index: SnapshotIndex, options: RuleOptions): string | undefined;
}
