/**
 * One parsed document to one catalog record, in the order of Backstage's processing of an entity:
 * placeholders (PlaceholderProcessor), sorted ref lists (BuiltinKindsEntityProcessor's
 * preProcessEntity), location annotations, validation, relations.
 */
import { refOf } from '../catalog/refs.js';
import { relationsOf } from '../catalog/relations.js';
import type { CatalogRecord } from '../catalog/store.js';
import { validateEntity } from '../catalog/validate.js';
import { annotate } from './annotate.js';
import { isObject, labelOf, message } from './documents.js';
import { contentHash } from './hash.js';
import { PlaceholderError, resolvePlaceholders } from './placeholders.js';
import type { RemoteFiles } from './remote-files.js';
import type { Tree } from './types.js';
import { YamlError, type YamlLimits } from './yaml.js';

export interface RecordContext {
  tree: Tree;
  limits: YamlLimits;
  /** Tree-prefixed path. */
  full(path: string): string;
  read(path: string): Promise<string | undefined>;
  /** Hears the tree paths the document's placeholders read. */
  included(paths: string[]): void;
  /** Files of other repositories a placeholder may name. */
  remote?: RemoteFiles;
}

// Backstage sorts these lists of refs (when every item is a string) before it validates.
const SORTED_FIELDS = ['providesApis', 'consumesApis', 'dependsOn', 'dependencyOf', 'memberOf', 'children', 'members'];

function sortRefLists(entity: Record<string, unknown>) {
  const spec = entity.spec;
  if (!isObject(spec)) return;
  for (const field of SORTED_FIELDS) {
    const value = spec[field];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) spec[field] = [...value].sort();
  }
}

export async function toRecord(raw: unknown, path: string, origin: string, ctx: RecordContext): Promise<{ record: CatalogRecord } | { error: string }> {
  const label = labelOf(raw);
  if (!isObject(raw)) return { error: `${label}: a catalog document must be an object, got ${Array.isArray(raw) ? 'a list' : typeof raw}` };
  let resolved: Record<string, unknown>;
  const included: string[] = [];
  try {
    resolved = (await resolvePlaceholders(raw, { filePath: path, read: ctx.read, limits: ctx.limits, included: (p) => included.push(ctx.full(p)), ...(ctx.remote ? { remote: ctx.remote } : {}) })) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof PlaceholderError || e instanceof YamlError) return { error: `${label}: ${e.message}` };
    throw e;
  } finally {
    if (included.length) ctx.included(included);
  }
  if (resolved === raw) resolved = { ...raw };
  sortRefLists(resolved);
  const location = ctx.tree.locationOf(path);
  annotate(resolved, location, origin);
  const validation = await validateEntity(resolved);
  if (!validation.ok) return { error: validation.message };
  const entity = validation.entity;
  const ref = refOf(entity);
  let relations;
  try {
    relations = relationsOf(entity);
  } catch (e) {
    return { error: `${ref}: ${message(e)}` };
  }
  const committedAt = ctx.tree.committedAt(path);
  return {
    record: {
      ref,
      entity,
      relations,
      filePath: ctx.full(path),
      ...(location.viewUrl ? { fileUrl: location.viewUrl } : {}),
      ...(committedAt ? { fileCommittedAt: committedAt } : {}),
      contentHash: contentHash(entity),
    },
  };
}
