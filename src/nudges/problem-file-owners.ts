/**
 * Who to tell about a broken file that never held an entity (issue 16): the owners the file itself
 * names (`owner:` lines, when those entities exist), else the CODEOWNERS of its repository
 * (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS) mapped to catalog Groups and Users through
 * org data only (ORG_SOURCES: `@org/team` -> a Group by `github.com/team-slug` or name, `@login` ->
 * a User by `github.com/user-login` or name, an e-mail -> the User with it). Files are read where
 * the sync read them: a folder on disk, the git source's bare cache under DATA_DIR at the synced
 * commit, or GitHub's contents API for `github:` sources (`<org>/<repo>/<path>`). Nothing found: [].
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { entities, sources } from '../db/schema.js';
import type { GithubClient } from '../github/client.js';
import type { Logger } from '../logger.js';
import { parseGitSpec } from '../sync/sources/git.js';
import { git } from '../sync/sources/git-cli.js';
import { orgUserByEmail } from '../trust/index.js';
import { CODEOWNERS_PATHS, codeownersFor, parseCodeowners } from './codeowners.js';

export interface FileOwnersDeps {
  db: Db;
  logger: Logger;
  /** DATA_DIR: where git sources keep their bare caches. */
  dataDir: string;
  /** A GitHub client per organisation, when GitHub is configured. */
  github?: (org: string) => Promise<GithubClient>;
}

/** Reads a file of the source by its repository-relative path; undefined when absent. */
type Reader = { read(path: string): Promise<string | undefined>; pathInRepo: string };

const MAX_BYTES = 256 * 1024;

async function readerFor(d: FileOwnersDeps, sourceId: string, filePath: string): Promise<Reader | undefined> {
  const [source] = await d.db.select().from(sources).where(eq(sources.id, sourceId));
  if (!source) return undefined;
  if (source.kind === 'folder') {
    const root = resolve(source.target);
    return {
      pathInRepo: filePath,
      async read(path) {
        const full = resolve(root, path);
        const rel = relative(root, full);
        if (rel.startsWith('..') || isAbsolute(rel)) return undefined; // never outside the folder
        return readFile(full, 'utf8').then((t) => t.slice(0, MAX_BYTES), () => undefined);
      },
    };
  }
  if (source.kind === 'git' && source.lastRevision) {
    // The same cache folder src/sync/sources/git.ts fetches into (a test ties the two together).
    const cache = join(resolve(d.dataDir), 'git', createHash('sha256').update(parseGitSpec(source.target).url).digest('hex').slice(0, 24));
    const rev = source.lastRevision;
    return {
      pathInRepo: filePath,
      read: (path) => git(['--git-dir', cache, 'show', `${rev}:${path}`], { timeoutMs: 10_000 }).then((t) => t.slice(0, MAX_BYTES), () => undefined),
    };
  }
  if (source.kind === 'github' && d.github) {
    const [owner, repo, ...rest] = filePath.split('/');
    if (!owner || !repo || !rest.length) return undefined;
    const client = await d.github(owner);
    return {
      pathInRepo: rest.join('/'),
      async read(path) {
        try {
          const res = await client.rest.repos.getContent({ owner, repo, path, mediaType: { format: 'raw' } });
          const data: unknown = res.data;
          return typeof data === 'string' ? data.slice(0, MAX_BYTES) : undefined;
        } catch {
          return undefined;
        }
      },
    };
  }
  return undefined;
}

/** `owner:` values of the file that name entities in the catalog. */
async function namedOwners(db: Db, text: string): Promise<string[]> {
  const refs = new Set<string>();
  for (const m of text.matchAll(/^\s*owner:\s*["']?([A-Za-z0-9:/_.-]+)/gm)) {
    const value = m[1]!.toLowerCase();
    const kind = value.includes(':') ? value.slice(0, value.indexOf(':')) : 'group';
    const rest = value.includes(':') ? value.slice(value.indexOf(':') + 1) : value;
    refs.add(`${kind}:${rest.includes('/') ? rest : `default/${rest}`}`);
    if (!value.includes(':')) refs.add(`user:default/${rest}`);
  }
  if (!refs.size) return [];
  const found = await db.select({ ref: entities.ref }).from(entities).where(inArray(entities.ref, [...refs]));
  return found.map((f) => f.ref).sort();
}

/** A CODEOWNERS owner as a catalog Group or User, from org data only. */
async function orgEntityFor(d: FileOwnersDeps, owner: string): Promise<string | undefined> {
  if (!owner.startsWith('@')) return owner.includes('@') ? orgUserByEmail(d.db, owner, d.logger) : undefined;
  const name = owner.slice(1).toLowerCase();
  const team = name.includes('/');
  const [row] = await query<{ ref: string }>(
    d.db,
    sql`select e.ref from entities e join sources s on s.id = e.source_id and s.org
         where e.kind = ${team ? 'group' : 'user'}
           and (lower(e.entity->'metadata'->'annotations'->>${team ? 'github.com/team-slug' : 'github.com/user-login'}) = ${name}
                or e.name = ${team ? name.slice(name.indexOf('/') + 1) : name})
         order by (e.entity->'metadata'->'annotations' ? ${team ? 'github.com/team-slug' : 'github.com/user-login'}) desc, e.ref limit 1`,
  );
  return row?.ref;
}

export async function fileOwners(d: FileOwnersDeps, sourceId: string, filePath: string): Promise<string[]> {
  try {
    const reader = await readerFor(d, sourceId, filePath);
    if (!reader) return [];
    const text = await reader.read(reader.pathInRepo);
    const named = text ? await namedOwners(d.db, text) : [];
    if (named.length) return named;
    for (const path of CODEOWNERS_PATHS) {
      const codeowners = await reader.read(path);
      if (codeowners === undefined) continue;
      const owners = codeownersFor(parseCodeowners(codeowners), reader.pathInRepo);
      const refs = (await Promise.all(owners.map((o) => orgEntityFor(d, o)))).filter((r): r is string => Boolean(r));
      return [...new Set(refs)];
    }
  } catch (err) {
    d.logger.warn({ err, source: sourceId, file: filePath }, 'could not find the owners of a broken catalog file');
  }
  return [];
}
