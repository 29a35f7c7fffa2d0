/** What the on-call services answer, in one neutral shape for both PagerDuty and Opsgenie. */

export interface OnCallPerson {
  name: string;
  email?: string;
}

export interface Shift {
  people: OnCallPerson[];
  /** When the shift starts; undefined: already running. */
  from?: Date;
  /** When it ends; undefined: no end (a permanent on-call). */
  until?: Date;
}

export interface OnCallAnswer {
  provider: 'PagerDuty' | 'Opsgenie';
  /** The PagerDuty service or Opsgenie schedule the answer is for. */
  source: string;
  url?: string;
  now: Shift;
  next?: Shift;
}

/** An answer, or why there is none for this target (shown to the user, never a secret). */
export type OnCallResult = { ok: true; answer: OnCallAnswer } | { ok: false; provider: 'PagerDuty' | 'Opsgenie'; target: string; message: string };

/**
 * Pick "now" and "next" from shifts that may overlap (several schedules on the first level): now is
 * everyone on call at `at`, until the first of them ends; next is whoever starts at or after that.
 */
export function nowAndNext(entries: Array<OnCallPerson & { start?: Date; end?: Date }>, at: Date): { now: Shift; next?: Shift } {
  const t = at.getTime();
  const current = entries.filter((e) => (!e.start || e.start.getTime() <= t) && (!e.end || e.end.getTime() > t));
  const ends = current.map((e) => e.end?.getTime()).filter((v): v is number => v !== undefined);
  const until = ends.length === current.length && ends.length ? new Date(Math.min(...ends)) : undefined;
  const people = uniquePeople(current);
  const now: Shift = { people, ...(until ? { until } : {}) };
  if (!until) return { now };
  const later = entries.filter((e) => e.start && e.start.getTime() >= until.getTime());
  if (!later.length) return { now };
  const first = Math.min(...later.map((e) => e.start!.getTime()));
  const starting = later.filter((e) => e.start!.getTime() === first);
  const nextEnds = starting.map((e) => e.end?.getTime()).filter((v): v is number => v !== undefined);
  return {
    now,
    next: { people: uniquePeople(starting), from: new Date(first), ...(nextEnds.length === starting.length && nextEnds.length ? { until: new Date(Math.min(...nextEnds)) } : {}) },
  };
}

function uniquePeople(entries: OnCallPerson[]): OnCallPerson[] {
  const seen = new Map<string, OnCallPerson>();
  for (const e of entries) {
    const key = (e.email ?? e.name).toLowerCase();
    if (!seen.has(key)) seen.set(key, { name: e.name, ...(e.email ? { email: e.email } : {}) });
  }
  return [...seen.values()];
}
