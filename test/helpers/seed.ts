/**
 * Seeds a test database through the real pipeline pieces: YAML (js-yaml) -> validateEntity ->
 * relationsOf -> applySnapshot, with the location annotations a sync adds.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { applySnapshot, type ApplyResult, type CatalogRecord } from '../../src/catalog/store.js';
import { validateEntity } from '../../src/catalog/validate.js';
import type { Db } from '../../src/db/client.js';
import { markOrgSource } from './org-source.js';

export const demoCatalogDir = resolve(new URL('../../catalog', import.meta.url).pathname);

export interface SeedOptions {
  /** Folder whose *.yaml files are read (default: the demo catalog; false: none). */
  dir?: string | false;
  /** Extra or replacement files: path -> YAML text. */
  files?: Record<string, string>;
  sourceId?: string;
  now?: Date;
  /** The file's last commit time, as a Git source would record it. */
  committedAt?: (filePath: string) => Date | undefined;
  /** Base of browsable file URLs, e.g. https://github.com/acme-pay/catalog/blob/main/ */
  viewUrlBase?: string;
}

function yamlFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Parsed and validated records of YAML files; throws on any invalid document (fixtures must be valid). */
export async function recordsOf(files: Record<string, string>, options: Pick<SeedOptions, 'committedAt' | 'viewUrlBase'> = {}): Promise<CatalogRecord[]> {
  const records: CatalogRecord[] = [];
  for (const [filePath, text] of Object.entries(files)) {
    for (const doc of yaml.loadAll(text)) {
      if (doc === null || doc === undefined) continue;
      const viewUrl = options.viewUrlBase ? `${options.viewUrlBase}${filePath}` : undefined;
      const raw = structuredClone(doc) as { metadata?: { annotations?: Record<string, string> } };
      raw.metadata ??= {};
      raw.metadata.annotations = {
        'backstage.io/managed-by-location': `file:/catalog/${filePath}`,
        'backstage.io/managed-by-origin-location': 'file:/catalog/catalog-info.yaml',
        ...(viewUrl ? { 'backstage.io/view-url': viewUrl, 'backstage.io/edit-url': viewUrl.replace('/blob/', '/edit/') } : {}),
        ...raw.metadata.annotations,
      };
      const v = await validateEntity(raw);
      if (!v.ok) throw new Error(`${filePath}: ${v.message}`);
      records.push({
        ref: refOf(v.entity),
        entity: v.entity,
        relations: relationsOf(v.entity),
        filePath,
        fileUrl: viewUrl,
        fileCommittedAt: options.committedAt?.(filePath),
        contentHash: createHash('sha256').update(JSON.stringify(v.entity)).digest('hex'),
      });
    }
  }
  return records;
}

export async function seedCatalog(db: Db, options: SeedOptions = {}): Promise<ApplyResult> {
  const files = { ...(options.dir === false ? {} : yamlFiles(options.dir ?? demoCatalogDir)), ...options.files };
  const records = await recordsOf(files, options);
  await markOrgSource(db, options.sourceId ?? 'test');
  return applySnapshot(db, { sourceId: options.sourceId ?? 'test', records, now: options.now ?? new Date() });
}
