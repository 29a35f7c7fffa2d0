/**
 * Turns a GitHub driver's snapshot into catalog records the way the sync engine does (entry points,
 * Location targets and `$text` within the tree, Backstage location annotations, broken files kept),
 * so this branch can test the driver end to end through `applySnapshot` before the engine's
 * `readTree` is merged. Once it is, tests and the bench should call the sync service instead.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import yaml from 'js-yaml';
import type { Db } from '../../src/db/client.js';
import { applySnapshot, type ApplyResult, type CatalogRecord } from '../../src/catalog/store.js';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { validateEntity } from '../../src/catalog/validate.js';
import type { Problem, Snapshot, Tree } from '../../src/sync/types.js';

export interface ReadResult {
  records: CatalogRecord[];
  problems: Problem[];
  failed: Set<string>;
}

async function resolveText(tree: Tree, dir: string, value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveText(tree, dir, v)));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$text === 'string' && Object.keys(obj).length === 1) {
      const text = await tree.read(posix.join(dir, obj.$text));
      if (text === undefined) throw new Error(`$text target ${obj.$text} not found`);
      return text;
    }
    return Object.fromEntries(await Promise.all(Object.entries(obj).map(async ([k, v]) => [k, await resolveText(tree, dir, v)])));
  }
  return value;
}

export async function readTrees(snapshot: Snapshot): Promise<ReadResult> {
  const out: ReadResult = { records: [], problems: [], failed: new Set() };
  for (const tree of snapshot.trees) {
    const queue = [...(await tree.entryPoints())];
    const seen = new Set<string>();
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const filePath = `${tree.name}/${file}`;
      try {
        const text = await tree.read(file);
        if (text === undefined) throw new Error('file not found');
        const docs = yaml.loadAll(text).filter((d) => d != null);
        const location = tree.locationOf(file);
        for (const doc of docs) {
          const raw = (await resolveText(tree, posix.dirname(file), doc)) as { metadata?: { annotations?: Record<string, string> } };
          raw.metadata = raw.metadata ?? {};
          raw.metadata.annotations = {
            'backstage.io/managed-by-location': `${location.type}:${location.target}`,
            'backstage.io/managed-by-origin-location': `${location.type}:${location.target}`,
            ...(location.sourceLocation ? { 'backstage.io/source-location': location.sourceLocation } : {}),
            ...(location.viewUrl ? { 'backstage.io/view-url': location.viewUrl } : {}),
            ...(location.editUrl ? { 'backstage.io/edit-url': location.editUrl } : {}),
            ...raw.metadata.annotations,
          };
          const v = await validateEntity(raw);
          if (!v.ok) throw new Error(v.message);
          if (v.entity.kind === 'Location') {
            for (const target of ((v.entity.spec as { targets?: string[] }).targets ?? [])) queue.push(posix.normalize(posix.join(posix.dirname(file), target)));
          }
          out.records.push({
            ref: refOf(v.entity),
            entity: v.entity,
            relations: relationsOf(v.entity),
            filePath,
            fileUrl: location.viewUrl,
            fileCommittedAt: tree.committedAt(file),
            contentHash: createHash('sha256').update(JSON.stringify(v.entity)).digest('hex'),
          });
        }
      } catch (e) {
        out.failed.add(filePath);
        out.problems.push({ filePath, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return out;
}

/** Reads the snapshot and writes it; files that failed keep what they held. */
export async function applyGithubSnapshot(db: Db, sourceId: string, snapshot: Snapshot): Promise<ApplyResult & ReadResult> {
  const read = await readTrees(snapshot);
  const result = await applySnapshot(db, {
    sourceId,
    records: read.records,
    preserve: (f) => read.failed.has(f) || (snapshot.preserve?.(f) ?? false),
    now: new Date(),
  });
  return { ...result, ...read };
}
