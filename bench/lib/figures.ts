/** What bench:sync measures per database and catalog size. */
export type Target = 'postgres' | 'pglite';

export interface Run {
  ms: number;
  /** CPU time of the syncing process (all its threads). */
  cpuMs: number;
  /** CPU time of the Postgres server processes serving the bench database, when they can be read. */
  serverCpuMs?: number;
}

export interface Figures {
  target: Target;
  entities: number;
  first: Run & { added: number; problems: number };
  resync: Run & { updated: number; unchanged: number };
  /** `owner`'s exact resolution (resolveEntity with a ref): client round trip, and the server's planning + execution time. */
  lookup: { p50: number; p99: number; serverP50: number; serverP99: number };
  peakRssMb: number;
}

