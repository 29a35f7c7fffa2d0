/** The GitHub webhook's callbacks: re-read just the named repository in every source that holds it. */
import { resyncWhenFree, type ResyncOptions } from './resync.js';
import { githubSourcesFor, type Runtime } from './runtime.js';

export function githubResync(runtime: Pick<Runtime, 'sync' | 'githubSources' | 'database'>, options: ResyncOptions = {}) {
  return async (org: string, repo: string) => {
    for (const id of await githubSourcesFor(runtime, org, repo)) await resyncWhenFree(runtime.sync, id, [`${org}/${repo}`], options);
  };
}
