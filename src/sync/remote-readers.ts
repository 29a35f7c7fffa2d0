/**
 * Which sources read files of a repository through url targets or URL placeholders, from the stamps
 * their last syncs stored: a push to that repository re-syncs them (and their pre-sync check then
 * finds which of those files changed, by ETag).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';
import { parseGithubFileUrl } from '../github/file-url.js';
import { REMOTE_STATE_KEY, urlOfKey } from './remote-files.js';

/** `paths` (repository-relative, as a push lists them) narrows it to sources reading one of those files; undefined: any file. */
export async function sourcesReading(db: Db, at: { host: string; owner: string; repo: string; paths?: readonly string[] }): Promise<string[]> {
  const rows = await db
    .select({ id: sources.id, state: sources.state })
    .from(sources)
    .where(sql`${sources.state} -> ${REMOTE_STATE_KEY} is not null`);
  const paths = at.paths ? new Set(at.paths) : undefined;
  const out: string[] = [];
  for (const row of rows) {
    const keys = Object.keys((row.state?.[REMOTE_STATE_KEY] ?? {}) as Record<string, unknown>);
    const reads = keys.some((key) => {
      try {
        const file = parseGithubFileUrl(urlOfKey(key));
        return file.host === at.host.toLowerCase() && file.owner.toLowerCase() === at.owner.toLowerCase() && file.repo.toLowerCase() === at.repo.toLowerCase() && (!paths || paths.has(file.path));
      } catch {
        return false;
      }
    });
    if (reads) out.push(row.id);
  }
  return out;
}
