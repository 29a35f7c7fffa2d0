/** Seeds a test database from a YAML fixture the way sync does: validate, relations, applySnapshot. */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { parseAllDocuments } from 'yaml';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { markOrgSource } from './org-source.js';
import { validateEntity } from '../../src/catalog/validate.js';
import type { Db } from '../../src/db/client.js';

export const fixtureUrl = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

export async function recordsFromYaml(text: string, filePathOf: (name: string) => string, fileUrlOf?: (name: string) => string): Promise<CatalogRecord[]> {
  const records: CatalogRecord[] = [];
  for (const doc of parseAllDocuments(text)) {
    const raw = doc.toJS();
    const v = await validateEntity(raw);
    if (!v.ok) throw new Error(v.message);
    const name = v.entity.metadata.name;
    records.push({ ref: refOf(v.entity), entity: v.entity, relations: relationsOf(v.entity), filePath: filePathOf(name), fileUrl: fileUrlOf?.(name), contentHash: JSON.stringify(raw) });
  }
  return records;
}

/** The nudge fixture catalog, each entity in its own file `<name>/catalog-info.yaml` on a GitHub-like host. */
export async function seedNudgeCatalog(db: Db, now: Date, text = readFileSync(fixtureUrl('nudge-catalog.yaml'), 'utf8')): Promise<void> {
  const records = await recordsFromYaml(
    text,
    (name) => `${name}/catalog-info.yaml`,
    (name) => `https://github.example/acme/${name}/blob/main/catalog-info.yaml`,
  );
  await markOrgSource(db, 'fixture');
  await applySnapshot(db, { sourceId: 'fixture', records, now });
}

/** Sets when an entity's file was last committed (days before `now`). */
export async function setCommittedDaysAgo(db: Db, name: string, days: number, now: Date): Promise<void> {
  const at = new Date(now.getTime() - days * 86_400_000).toISOString();
  await db.execute(sql`update entities set file_committed_at = ${at}::timestamptz where name = ${name}`);
}
