/**
 * A small per-process memory of recent identity answers, in front of the Postgres cache: a busy
 * channel asks about the same people again and again, and each Postgres read is a round trip on
 * every command. Entries live briefly (the shared Postgres cache stays the source of truth across
 * replicas) and the number of entries is bounded, the oldest forgotten first.
 */
export class RecentAnswers<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, nowMs: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: string, value: V, nowMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: nowMs + this.ttlMs });
  }
}
