/**
 * Entity refs as Backstage writes them: `[kind:][namespace/]name`, compared case-insensitively and
 * stored lower-cased as `kind:namespace/name`.
 */
import { DEFAULT_NAMESPACE, parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';

export { DEFAULT_NAMESPACE };

export interface RefParts {
  kind: string;
  namespace: string;
  name: string;
}

/** Canonical (lower-cased) ref of an entity or compound ref. */
export function refOf(entity: Entity | RefParts): string {
  const parts = 'metadata' in entity ? { kind: entity.kind, namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE, name: entity.metadata.name } : entity;
  // stringifyEntityRef lower-cases each part itself (String#toLowerCase, as Backstage compares refs).
  return stringifyEntityRef(parts);
}

/**
 * Parses a ref with Backstage's defaults; throws (like Backstage) when the kind is missing and no
 * default applies. The result is lower-cased.
 */
export function toRef(ref: string, defaults: { defaultKind?: string; defaultNamespace?: string } = {}): string {
  return refOf(parseEntityRef(ref, { defaultKind: defaults.defaultKind, defaultNamespace: defaults.defaultNamespace ?? DEFAULT_NAMESPACE }));
}

/** Like toRef but returns undefined instead of throwing. */
export function tryRef(ref: string, defaults: { defaultKind?: string; defaultNamespace?: string } = {}): string | undefined {
  try {
    return toRef(ref, defaults);
  } catch {
    return undefined;
  }
}

export function splitRef(ref: string): RefParts {
  const parsed = parseEntityRef(ref);
  return { kind: parsed.kind, namespace: parsed.namespace, name: parsed.name };
}

/** `component:default/payments-api` -> `payments-api`; other namespaces keep theirs. */
export function shortRef(ref: string): string {
  const { kind, namespace, name } = splitRef(ref);
  void kind;
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
}

export function kindOf(ref: string): string {
  return ref.slice(0, ref.indexOf(':'));
}
