/**
 * Annotations whose values are credentials (a PagerDuty integration key raises incidents) are kept
 * for the service's own use and never shown: every view of an entity that leaves the service (the
 * catalog API, chat replies, MCP, exports) goes through `redactEntity` or `annotationsOf`.
 */

/** Always secret, whatever SECRET_ANNOTATIONS says. */
export const BUILTIN_SECRET_ANNOTATIONS = ['pagerduty.com/integration-key'] as const;

let configured = new Set<string>(BUILTIN_SECRET_ANNOTATIONS);

/**
 * Adds SECRET_ANNOTATIONS to the built-in list; called once at start-up. A process-wide setting
 * on purpose: a view that forgot to thread it through would leak, and every view must hide them.
 */
export function configureSecretAnnotations(extra: readonly string[]): void {
  configured = new Set([...BUILTIN_SECRET_ANNOTATIONS, ...extra.map((k) => k.trim().toLowerCase()).filter(Boolean)]);
}

/** Annotation keys compare case-insensitively here: `PagerDuty.com/Integration-Key` is as secret. */
export function isSecretAnnotation(key: string): boolean {
  return configured.has(key.toLowerCase());
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** The annotations without the secret ones (dropped, not masked: not even the length shows). */
export function publicAnnotations(annotations: Json): Json {
  return Object.fromEntries(Object.entries(annotations).filter(([k]) => !isSecretAnnotation(k)));
}

/** A copy of `entity` without secret annotations; the input is not changed. */
export function redactEntity<T extends Json>(entity: T): T {
  const metadata = entity.metadata;
  if (!isObject(metadata) || !isObject(metadata.annotations)) return entity;
  return { ...entity, metadata: { ...metadata, annotations: publicAnnotations(metadata.annotations) } };
}
