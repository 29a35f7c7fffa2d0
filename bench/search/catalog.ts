/**
 * The generated catalog the search evaluation runs over: N entities of noise (names and
 * descriptions from made-up syllables, so they share no word with a query by accident) around a
 * fixed set of planted entities written the way people write catalog files.
 */
import { createHash } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import type { CatalogRecord } from '../../src/catalog/store.js';

export interface Planted {
  kind: 'Component' | 'API' | 'System' | 'Resource' | 'Group';
  name: string;
  title?: string;
  description?: string;
  tags?: string[];
  type?: string;
  owner?: string;
  system?: string;
  domain?: string;
  providesApis?: string[];
}

const SYLLABLES = ['zan', 'kel', 'vor', 'mip', 'dru', 'sof', 'tek', 'lum', 'bex', 'rai', 'quo', 'fen', 'gar', 'hol', 'jyn', 'nox', 'pev', 'wuz', 'yor', 'cim'];
const word = (i: number) => SYLLABLES[i % 20]! + SYLLABLES[Math.floor(i / 20) % 20]! + (i >= 400 ? SYLLABLES[Math.floor(i / 400) % 20]! : '');

export function record(entity: Entity): CatalogRecord {
  return { ref: refOf(entity), entity, relations: relationsOf(entity), filePath: `gen/${entity.kind}/${entity.metadata.name}.yaml`, contentHash: createHash('sha1').update(JSON.stringify(entity)).digest('hex') };
}

function plantedEntity(p: Planted): Entity {
  const spec: Record<string, string | string[]> = {};
  if (p.type) spec.type = p.type;
  if (p.kind !== 'Group' && p.kind !== 'System') spec.lifecycle = 'production';
  if (p.kind === 'Group') spec.children = [];
  else spec.owner = p.owner ?? 'team-0';
  if (p.system) spec.system = p.system;
  if (p.domain) spec.domain = p.domain;
  if (p.providesApis) spec.providesApis = p.providesApis;
  if (p.kind === 'API') spec.definition = 'openapi: 3.0.0';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: p.kind,
    metadata: { name: p.name, ...(p.title ? { title: p.title } : {}), ...(p.description ? { description: p.description } : {}), ...(p.tags ? { tags: p.tags } : {}) },
    spec,
  };
}

export function generateSearchCatalog(total: number, planted: Planted[]): CatalogRecord[] {
  const out: CatalogRecord[] = [];
  const teams = Math.max(10, Math.floor(total / 100));
  const systems = Math.max(10, Math.floor(total / 200));
  const domains = 12;
  for (let d = 0; d < domains; d++) out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Domain', metadata: { name: `domain-${word(d + 300)}` }, spec: { owner: `team-${d}` } }));
  for (let t = 0; t < teams; t++) out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: `team-${t}`, title: `Team ${word(t)}` }, spec: { type: 'team', children: [] } }));
  for (let s = 0; s < systems; s++) {
    out.push(record({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: `system-${word(s)}-${s}`, description: `The ${word(s + 7)} ${word(s + 11)} system` }, spec: { owner: `team-${s % teams}`, domain: `domain-${word((s % domains) + 300)}` } }));
  }
  for (const p of planted) out.push(record(plantedEntity(p)));
  const types = ['service', 'website', 'library'];
  for (let c = 0; out.length < total; c++) {
    const name = `${word(c * 7)}-${word(c * 13 + 1)}-${c}`;
    const description = `${word(c)} ${word(c * 3 + 2)} for the ${word(c * 5 + 3)} ${word(c * 11 + 4)}`;
    out.push(
      record({
        apiVersion: 'backstage.io/v1alpha1',
        kind: c % 10 === 9 ? 'API' : 'Component',
        metadata: { name, description, tags: [word(c % 50)] },
        spec: { type: c % 10 === 9 ? 'openapi' : types[c % 3], lifecycle: 'production', owner: `team-${c % teams}`, system: `system-${word(c % systems)}-${c % systems}`, ...(c % 10 === 9 ? { definition: 'openapi: 3.0.0' } : {}) },
      }),
    );
  }
  return out;
}
