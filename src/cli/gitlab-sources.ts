/**
 * Sources a GitLab webhook about a project concerns: configured `gitlab:` sources whose group holds
 * the project (and whose glob matches), and `gitlab:` sources registered at run time.
 */
import { and, eq, sql } from 'drizzle-orm';
import { sources } from '../db/schema.js';
import { gitlabSourceHas, parseGitlabSource } from '../gitlab/source-spec.js';
import { resyncWhenFree, type ResyncOptions } from './resync.js';
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

/** The webhook's callbacks: re-read just the named project in every source that holds it (see resync.ts). */
export function gitlabResync(runtime: Pick<Runtime, 'sync' | 'database'>, options: ResyncOptions = {}) {
  return async (project: string) => {
    for (const id of await gitlabSourcesFor(runtime, project)) await resyncWhenFree(runtime.sync, id, [project], options);
  };
}
