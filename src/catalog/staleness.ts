/**
 * An entity is stale when the file that holds it has not changed for `staleAfterDays` and nobody
 * confirmed it from chat since. The file's commit time is the truth for Git sources; the time the
 * content last changed in the catalog stands in when there is no commit time.
 */
export interface StalenessInput {
  fileCommittedAt: Date | null;
  lastChangedAt: Date;
  lastReviewedAt: Date | null;
}

export interface Staleness {
  stale: boolean;
  /** When the file (or content) last changed. */
  lastChanged: Date;
  lastReviewed: Date | null;
  /** Whole days since the later of last change and last review. */
  ageDays: number;
}

const DAY = 86_400_000;

export function staleness(row: StalenessInput, now: Date, staleAfterDays: number): Staleness {
  const lastChanged = row.fileCommittedAt ?? row.lastChangedAt;
  const touched = Math.max(lastChanged.getTime(), row.lastReviewedAt?.getTime() ?? 0);
  const ageDays = Math.max(0, Math.floor((now.getTime() - touched) / DAY));
  return { stale: now.getTime() - touched >= staleAfterDays * DAY, lastChanged, lastReviewed: row.lastReviewedAt, ageDays };
}

/** `3 days ago`, `today`, `in the future` (clock skew), for chat. */
export function ago(then: Date, now: Date): string {
  const days = Math.floor((now.getTime() - then.getTime()) / DAY);
  if (days < 0) return 'just now';
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  const months = Math.floor(days / 30.44);
  if (months < 24) return `${months} months ago`;
  return `${Math.floor(days / 365.25)} years ago`;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
