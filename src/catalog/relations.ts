/**
 * The relations an entity emits, in both directions, with the defaults of Backstage's
 * BuiltinKindsEntityProcessor (and the scaffolder's Template owner). A target that cannot be
 * parsed (e.g. `dependsOn` without a kind) makes the whole entity fail, as in Backstage.
 */
import type { Entity } from '@backstage/catalog-model';
import { refOf, toRef } from './refs.js';

export interface Relation {
  sourceRef: string;
  type: string;
  targetRef: string;
}

interface Rule {
  field: string;
  defaultKind?: string;
  outgoing: string;
  incoming: string;
}

const owner: Rule = { field: 'owner', defaultKind: 'Group', outgoing: 'ownedBy', incoming: 'ownerOf' };
const system: Rule = { field: 'system', defaultKind: 'System', outgoing: 'partOf', incoming: 'hasPart' };
const dependsOn: Rule = { field: 'dependsOn', outgoing: 'dependsOn', incoming: 'dependencyOf' };
const dependencyOf: Rule = { field: 'dependencyOf', outgoing: 'dependencyOf', incoming: 'dependsOn' };

const rulesByKind: Record<string, Rule[]> = {
  component: [
    owner,
    { field: 'subcomponentOf', defaultKind: 'Component', outgoing: 'partOf', incoming: 'hasPart' },
    { field: 'providesApis', defaultKind: 'API', outgoing: 'providesApi', incoming: 'apiProvidedBy' },
    { field: 'consumesApis', defaultKind: 'API', outgoing: 'consumesApi', incoming: 'apiConsumedBy' },
    dependsOn,
    dependencyOf,
    system,
  ],
  api: [owner, system],
  resource: [owner, dependsOn, dependencyOf, system],
  user: [{ field: 'memberOf', defaultKind: 'Group', outgoing: 'memberOf', incoming: 'hasMember' }],
  group: [
    { field: 'parent', defaultKind: 'Group', outgoing: 'childOf', incoming: 'parentOf' },
    { field: 'children', defaultKind: 'Group', outgoing: 'parentOf', incoming: 'childOf' },
    { field: 'members', defaultKind: 'User', outgoing: 'hasMember', incoming: 'memberOf' },
  ],
  system: [owner, { field: 'domain', defaultKind: 'Domain', outgoing: 'partOf', incoming: 'hasPart' }],
  domain: [owner, { field: 'subdomainOf', defaultKind: 'Domain', outgoing: 'partOf', incoming: 'hasPart' }],
  template: [owner],
};

/** All relations the entity emits (both directions), deduplicated. Throws on an unparseable target. */
export function relationsOf(entity: Entity): Relation[] {
  const self = refOf(entity);
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const out = new Map<string, Relation>();
  const add = (r: Relation) => out.set(`${r.sourceRef} ${r.type} ${r.targetRef}`, r);
  for (const rule of rulesByKind[entity.kind.toLowerCase()] ?? []) {
    const value = spec[rule.field];
    if (value === undefined || value === null || value === '') continue;
    for (const target of [value].flat()) {
      if (typeof target !== 'string') throw new Error(`spec.${rule.field} must hold entity refs, got ${JSON.stringify(target)}`);
      let targetRef: string;
      try {
        targetRef = toRef(target, { defaultKind: rule.defaultKind, defaultNamespace: namespace });
      } catch (e) {
        throw new Error(`spec.${rule.field}: ${e instanceof Error ? e.message : String(e)}`);
      }
      add({ sourceRef: self, type: rule.outgoing, targetRef });
      add({ sourceRef: targetRef, type: rule.incoming, targetRef: self });
    }
  }
  return [...out.values()];
}
