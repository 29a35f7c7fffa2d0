/**
 * Callsheet's side of the differential test: the same in-memory repository read by readTree as a
 * GitHub repository tree (the same `url:` locations and SCM annotations Backstage gives), reduced
 * to what the catalog ends up holding, in the shape processWithBackstage returns.
 */
import type { Entity } from '@backstage/catalog-model';
import { readTree } from '../../src/sync/read-tree.js';
import { fileLocation } from '../../src/sync/sources/git.js';
import type { Tree } from '../../src/sync/types.js';
import { REPO, type ReferenceResult } from './backstage-reference.js';

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

export async function readWithCallsheet(files: Map<string, string | null>, entryPoints: string[]): Promise<ReferenceResult> {
  const result = await readTree(memoryTree(files, entryPoints), { limits: LIMITS });
  const entities = new Map<string, Entity>();
  const relations = new Set<string>();
  for (const record of result.records) {
    // The store keeps the first claimant of a ref, as Backstage keeps the first location's.
    if (entities.has(record.ref)) continue;
    entities.set(record.ref, record.entity);
    for (const r of record.relations) relations.add(`${r.sourceRef} ${r.type} ${r.targetRef}`);
  }
  return { entities, relations, rejected: new Set(result.problems.map((p) => p.filePath)) };
}
