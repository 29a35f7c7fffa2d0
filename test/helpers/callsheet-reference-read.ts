/**
 * Callsheet's side of the differential test: the same in-memory repository read by readTree as a
 * GitHub repository tree (the same `url:` locations and SCM annotations Backstage gives), reduced
 * to what the catalog ends up holding, in the shape processWithBackstage returns.
 */
import type { Entity } from '@backstage/catalog-model';
import { readTree } from '../../src/sync/read-tree.js';
import { fileLocation } from '../../src/sync/sources/git.js';
import type { Tree } from '../../src/sync/types.js';
import { githubUrlFiles } from '../../src/github/url-files.js';
import type { RemoteFiles } from '../../src/sync/remote-files.js';
import { BASE, REPO, type ReferenceResult } from './backstage-reference.js';

export const LIMITS = { maxBytes: 1_048_576, maxDocuments: 1000 };

export function memoryTree(files: Map<string, string | null>, entryPoints: string[]): Tree {
  return {
    name: '',
    entryPoints: async () => entryPoints,
    async read(path) {
      const content = files.get(path);
      if (content === null) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
      return content;
    },
    list: async () => [...files].filter(([, c]) => c !== null).map(([p]) => p),
    size: async (path) => (typeof files.get(path) === 'string' ? Buffer.byteLength(files.get(path)!, 'utf8') : undefined),
    locationOf: (path) => fileLocation({ url: REPO }, 'main', path),
    committedAt: () => undefined,
  };
}

/**
 * The configured GitHub as the reference's UrlReader sees it: this repository's files at their
 * github.com URLs, and a 404 for any other repository, path or a directory's blob URL.
 */
export function memoryRemote(files: Map<string, string | null>): RemoteFiles {
  const github = githubUrlFiles({ host: 'github.com', client: () => Promise.reject(new Error('the reference reads no network')) });
  return {
    readable: true,
    refusal: (url) => github.refusal(url),
    read: async (url) => {
      const path = url.startsWith(BASE) ? decodeURIComponent(url.slice(BASE.length)) : undefined;
      return path === undefined ? undefined : (files.get(path) ?? undefined);
    },
  };
}

export async function readWithCallsheet(files: Map<string, string | null>, entryPoints: string[]): Promise<ReferenceResult> {
  const result = await readTree(memoryTree(files, entryPoints), { limits: LIMITS, remote: memoryRemote(files) });
  const entities = new Map<string, Entity>();
  const relations = new Set<string>();
  for (const record of result.records) {
    // The store keeps the first claimant of a ref, as Backstage keeps the first location's.
    if (entities.has(record.ref)) continue;
    entities.set(record.ref, record.entity);
    for (const r of record.relations) relations.add(`${r.sourceRef} ${r.type} ${r.targetRef}`);
  }
  // A file of this repository read through its URL is the same file to Backstage.
  return { entities, relations, rejected: new Set(result.problems.map((p) => (p.filePath.startsWith(BASE) ? p.filePath.slice(BASE.length) : p.filePath))) };
}
