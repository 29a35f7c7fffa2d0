/**
 * References that point nowhere (`callsheet validate --catalog <folder>`): an owner, system, API or
 * group that neither the validated files nor the given catalog define. Warnings, not errors: the
 * catalog may gain the entity later, as Backstage allows, but a typo should be seen in CI.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CatalogRecord } from '../catalog/store.js';
import type { Finding } from './validate-format.js';

/** The line of the file where the entity's reference to `target` is written, if it can be found. */
async function lineOf(file: string, record: CatalogRecord, target: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const name = record.entity.metadata.name;
  const start = Math.max(0, lines.findIndex((l) => new RegExp(`^\\s*name:\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`).test(l)));
  const short = target.split('/').pop()!;
  for (let i = start; i < lines.length; i++) {
    if (i > start && /^---/.test(lines[i])) break;
    if (lines[i].toLowerCase().includes(short)) return i + 1;
  }
  return undefined;
}

/** A warning per outgoing relation of `records` whose target is in neither set of refs. */
export async function danglingReferences(records: { record: CatalogRecord; displayPath: string; absPath: string }[], known: Set<string>): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const { record, displayPath, absPath } of records) {
    for (const relation of record.relations) {
      if (relation.sourceRef !== record.ref || known.has(relation.targetRef)) continue;
      out.push({
        severity: 'warning',
        filePath: displayPath,
        line: await lineOf(resolve(absPath), record, relation.targetRef),
        entityRef: record.ref,
        message: `${record.ref}: ${relation.type} ${relation.targetRef}, which is not in the catalog`,
      });
    }
  }
  return out;
}
