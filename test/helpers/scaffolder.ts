/** Catalog set-up for scaffolder tests: trusted/untrusted sources, templates, users and groups. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { Db } from '../../src/db/client.js';
import { sources } from '../../src/db/schema.js';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { validateEntity } from '../../src/catalog/validate.js';

export const templatesDir = new URL('../../templates/', import.meta.url).pathname;

export async function recordOf(raw: unknown, filePath: string): Promise<CatalogRecord> {
  const valid = await validateEntity(raw);
  if (!valid.ok) throw new Error(valid.message);
  return { ref: refOf(valid.entity), entity: valid.entity, relations: relationsOf(valid.entity), filePath, contentHash: createHash('sha256').update(JSON.stringify(valid.entity)).digest('hex') };
}

/** A source and its records; folders and Git repositories are org sources, as by default (ORG_SOURCES). */
export async function addSource(db: Db, id: string, target: string, trusted: boolean, records: CatalogRecord[], kind = 'folder') {
  await db.insert(sources).values({ id, kind, target, trusted, org: kind !== 'github' }).onConflictDoNothing();
  await applySnapshot(db, { sourceId: id, records, now: new Date() });
}

/** The shipped templates as a trusted folder source, like TEMPLATE_SOURCES=./templates. */
export async function addShippedTemplates(db: Db, annotate: Record<string, Record<string, string>> = {}) {
  const records: CatalogRecord[] = [];
  for (const name of ['typescript-service', 'typescript-library', 'docs-site']) {
    const raw = yaml.load(await readFile(join(templatesDir, name, 'template.yaml'), 'utf8')) as { metadata: { annotations?: Record<string, string> } };
    if (annotate[name]) raw.metadata.annotations = { ...raw.metadata.annotations, ...annotate[name] };
    records.push(await recordOf(raw, `${name}/template.yaml`));
  }
  await addSource(db, 'templates', templatesDir, true, records);
}

export async function addPeople(db: Db) {
  const docs = [
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-b' }, spec: { type: 'team', children: [] } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada' }, spec: { memberOf: ['team-a'] } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'bob' }, spec: { memberOf: ['team-b'] } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'payments' }, spec: { owner: 'team-a' } },
  ];
  await addSource(db, './catalog', '/catalog', false, await Promise.all(docs.map((d, i) => recordOf(d, `org-${i}.yaml`))));
}

/** A minimal template entity (for tests that need their own steps). */
export function templateEntity(name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, title: name, annotations },
    spec: { owner: 'group:default/team-a', type: 'service', parameters: [], steps: [], ...spec },
  };
}
