/**
 * Sources a GitLab webhook about a project concerns: configured `gitlab:` sources whose group holds
 * the project (and whose glob matches), and `gitlab:` sources registered at run time.
 */
import { and, eq, sql } from 'drizzle-orm';
import { sources } from '../db/schema.js';
import { gitlabSourceHas, parseGitlabSource } from '../gitlab/source-spec.js';
import type { Runtime } from './runtime.js';

export async function gitlabSourcesFor(runtime: Pick<Runtime, 'sync' | 'database'>, project: string): Promise<string[]> {
  const ids = new Set<string>();
  const matches = (target: string) => {
    try {
      return /^gitlab:/i.test(target) && gitlabSourceHas(parseGitlabSource(target), project);
    } catch {
      return false;
    }
  };
  for (const id of runtime.sync.configuredSources()) if (matches(id)) ids.add(id);
  const registered = await runtime.database.db
    .select({ id: sources.id, target: sources.target })
    .from(sources)
    .where(and(eq(sources.kind, 'gitlab'), sql`${sources.state} ->> 'registered' = 'true'`));
  for (const row of registered) if (matches(row.target)) ids.add(row.id);
  return [...ids];
}

/**
 * The webhook's callbacks: re-read just the named project in every source that holds it. A source
 * another run holds (a full sync, another push's re-read) is tried again until that run is done, so
 * pushes arriving together are all followed within seconds, not at the next SYNC_INTERVAL.
 */
export function gitlabResync(runtime: Pick<Runtime, 'sync' | 'database'>, options: { retryMs?: number; giveUpMs?: number } = {}) {
  const retryMs = options.retryMs ?? 250;
  const giveUpMs = options.giveUpMs ?? 120_000;
  return async (project: string) => {
    for (const id of await gitlabSourcesFor(runtime, project)) {
      const started = Date.now();
      for (;;) {
        const report = await runtime.sync.syncSource(id, { trees: [project] });
        if (report.status !== 'skipped' || report.skippedBecause !== 'held' || Date.now() - started > giveUpMs) break;
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  };
}
