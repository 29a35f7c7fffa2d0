/**
 * Small facts about parsed catalog documents, shared by the tree reader and its record builder:
 * how to name a document in a problem and whether it looks like a Backstage entity at all.
 */
import { entityEnvelopeSchemaValidator } from '@backstage/catalog-model';

export const CATALOG_NAME = /(^|\/)catalog-info\.ya?ml$/i;
const BACKSTAGE_API_VERSION = /^([\w-]+\.)*backstage\.io\//;
export const BACKSTAGE_API_VERSION_LINE = /^apiVersion:\s*["']?([\w-]+\.)*backstage\.io\//m;

export function labelOf(raw: unknown): string {
  const r = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  const kind = typeof r?.kind === 'string' ? r.kind : '?';
  const ns = typeof r?.metadata?.namespace === 'string' ? r.metadata.namespace : 'default';
  const name = typeof r?.metadata?.name === 'string' ? r.metadata.name : '?';
  return `${kind}:${ns}/${name}`.toLowerCase();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function looksLikeEntity(value: unknown): boolean {
  return isObject(value) && typeof value.apiVersion === 'string' && BACKSTAGE_API_VERSION.test(value.apiVersion) && typeof value.kind === 'string';
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const validateEnvelope = entityEnvelopeSchemaValidator();

/**
 * Why Backstage's output collector would refuse a document a Location emits (it checks the envelope
 * and the annotations' shape as it receives each document, before any processing): then the whole
 * Location fails, not only that document.
 */
export function envelopeError(value: Record<string, unknown>): string | undefined {
  try {
    validateEnvelope(value);
  } catch (e) {
    return message(e);
  }
  const annotations = (value.metadata as { annotations?: unknown }).annotations;
  if (annotations !== undefined && annotations !== null && (typeof annotations !== 'object' || Array.isArray(annotations))) return 'metadata.annotations must be a valid object';
  return undefined;
}
