/**
 * The entity a pasted URL is about, for link unfurling: a Backstage entity page (BACKSTAGE_URL), or a
 * code-host repository or file URL matched against `backstage.io/source-location` and the catalog
 * file's own URL. Only the catalog is read: the URL is never fetched, so any host may be pasted.
 */
import { or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import { refFromBackstageUrl, sourceLocationOf } from './backstage-links.js';
import { getEntity, type EntityRow } from './queries.js';
import { sourceOf } from './entity-view.js';

/** Longest URL looked at. */
const MAX_URL = 2000;
/** Candidates read for one repository (a monorepo with many entities). */
const MAX_CANDIDATES = 200;

interface RepoPath {
  /** `github.com/acme/payments-api`, lower case. */
  repo: string;
  /** Path inside the repository (after `tree|blob|edit/<branch>/`), no leading or trailing slash. */
  path: string;
}

/** `https://github.com/Acme/x/blob/main/src/a.ts` -> { repo: 'github.com/acme/x', path: 'src/a.ts' }. */
export function repoPathOf(url: string): RepoPath | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const parts = parsed.pathname.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  const [owner, name, mode, _branch, ...rest] = parts;
  const repo = `${parsed.host}/${owner}/${name.replace(/\.git$/, '')}`.toLowerCase();
  const path = mode === 'tree' || mode === 'blob' || mode === 'edit' ? rest.join('/') : '';
  return { repo, path: decodeURIComponent(path).replace(/^\/+|\/+$/g, '') };
}

const kindRank = ['component', 'api', 'resource', 'system', 'domain', 'template', 'group', 'user', 'location'];
const rank = (kind: string) => (kindRank.includes(kind) ? kindRank.indexOf(kind) : kindRank.length);

/** How well an entity matches the pasted location; undefined: not at all. Higher is better. */
function score(row: EntityRow, wanted: RepoPath, url: string): number | undefined {
  const file = sourceOf(row).viewUrl;
  const same = (a: string | undefined) => Boolean(a) && a!.replace(/\/+$/, '') === url.replace(/\/+$/, '');
  if (same(file) || same(row.fileUrl ?? undefined)) return 10_000;
  const source = sourceLocationOf(row);
  const at = source ? repoPathOf(source) : undefined;
  if (!at || at.repo !== wanted.repo) return undefined;
  if (!at.path) return 100;
  // A monorepo: the entity whose folder holds the pasted path, the deepest folder first.
  if (wanted.path === at.path || wanted.path.startsWith(`${at.path}/`)) return 100 + at.path.length;
  return wanted.path ? undefined : 50;
}

function like(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The entity a URL is about, or undefined. */
export async function entityForUrl(db: Db, url: string, backstageUrl?: string): Promise<EntityRow | undefined> {
  if (url.length > MAX_URL) return undefined;
  const fromBackstage = refFromBackstageUrl(url, backstageUrl);
  if (fromBackstage) return getEntity(db, fromBackstage);
  const wanted = repoPathOf(url);
  if (!wanted) return undefined;
  const location = sql`${entities.entity}->'metadata'->'annotations'->>'backstage.io/source-location'`;
  const viewUrl = sql`${entities.entity}->'metadata'->'annotations'->>'backstage.io/view-url'`;
  const pattern = like(`//${wanted.repo}`);
  const rows = await db
    .select()
    .from(entities)
    .where(or(sql`${location} ilike ${pattern}`, sql`${entities.fileUrl} ilike ${pattern}`, sql`${viewUrl} ilike ${pattern}`))
    .limit(MAX_CANDIDATES);
  let best: { row: EntityRow; score: number } | undefined;
  for (const row of rows) {
    const s = score(row, wanted, url);
    if (s === undefined) continue;
    if (!best || s > best.score || (s === best.score && (rank(row.kind) < rank(best.row.kind) || (rank(row.kind) === rank(best.row.kind) && row.ref < best.row.ref)))) best = { row, score: s };
  }
  return best?.row;
}
