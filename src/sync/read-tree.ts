/**
 * Turns one tree of a source into catalog records, the way Backstage's processing loop does:
 * entry points and Location targets are read as multi-document YAML, placeholders are resolved,
 * each entity gets its location annotations and is validated, relations are derived, and
 * Location entities are followed. Whatever cannot be read becomes a Problem, and the file lands in
 * `failedFiles` so the store keeps what that file held before.
 */
import type { Entity } from '@backstage/catalog-model';
import { refOf } from '../catalog/refs.js';
import { relationsOf } from '../catalog/relations.js';
import type { CatalogRecord } from '../catalog/store.js';
import { validateEntity } from '../catalog/validate.js';
import { annotate, locationString } from './annotate.js';
import { BACKSTAGE_API_VERSION_LINE, CATALOG_NAME, isObject, labelOf, looksLikeEntity, message } from './documents.js';
import { contentHash } from './hash.js';
import { PlaceholderError, resolveInTree, resolvePlaceholders } from './placeholders.js';
import type { KindRule } from '../trust/source-rules.js';
import type { Problem, Tree } from './types.js';
import { YamlError, checkSize, parseYamlDocuments, type YamlDocument, type YamlLimits } from './yaml.js';

/** What the catalog held from this source before, so a failing file keeps its subtree alive. */
export interface PreviousState {
  /** Whether the (tree-prefixed) file held entities last time. */
  heldEntities(filePath: string): boolean;
  /** Location entities the file held last time; followed when the file cannot be read now. */
  locationsIn(filePath: string): Entity[];
}

export interface ReadOptions {
  limits: YamlLimits;
  /** Kinds allowed (any case); undefined allows every kind. */
  allowedKinds?: readonly string[];
  /** The source's own rule (its `?kinds=`, or the default for its type): which kinds it may declare. */
  kindRule?: KindRule;
  previous?: PreviousState;
  /**
   * Receives the records of each file once the file has been read to the end, with whether the
   * file failed (then the store keeps what the file held before). Without it, records are
   * collected in `ReadResult.records`.
   */
  onRecords?: (records: CatalogRecord[], fileFailed: boolean) => Promise<void>;
}

export interface ReadResult {
  /** Empty when `onRecords` received them. */
  records: CatalogRecord[];
  problems: Problem[];
  /** Files whose previous entities must be kept (tree-prefixed). */
  failedFiles: Set<string>;
  /** Files read (tree-prefixed), whether or not they held valid entities. */
  filesRead: Set<string>;
  /** File -> files its placeholders read (tree-prefixed): a change to one re-reads the other. */
  includes: Map<string, string[]>;
}

interface Declaration {
  path: string;
  line: number;
  ref: string;
}

interface Unit {
  targets: { path: string; optional: boolean; raw: string }[];
  origin: string;
  /** The Location entity that named the targets; absent for entry points. */
  declaredBy?: Declaration;
}

type FileOutcome =
  | { kind: 'docs'; docs: YamlDocument[] }
  | { kind: 'missing' }
  | { kind: 'skip' }
  | { kind: 'error'; message: string; line?: number };

const PREFETCH = 32;

export async function readTree(tree: Tree, opts: ReadOptions): Promise<ReadResult> {
  const full = (p: string) => (tree.name ? `${tree.name}/${p}` : p);
  const allowed = opts.allowedKinds ? new Set(opts.allowedKinds.map((k) => k.toLocaleLowerCase('en-US'))) : undefined;
  const result: ReadResult = { records: [], problems: [], failedFiles: new Set(), filesRead: new Set(), includes: new Map() };
  const visited = new Set<string>();
  const pendingText = new Map<string, Promise<string | undefined>>();

  const problem = (path: string, text: string, line?: number, entityRef?: string) =>
    result.problems.push({ filePath: full(path), message: text, ...(line ? { line } : {}), ...(entityRef ? { entityRef } : {}) });

  const readText = (path: string): Promise<string | undefined> => {
    const pending = pendingText.get(path);
    if (pending) {
      pendingText.delete(path);
      return pending;
    }
    return readBounded(path);
  };
  const prefetch = (path: string) => {
    if (!pendingText.has(path) && !visited.has(path)) {
      const p = readBounded(path);
      p.catch(() => {});
      pendingText.set(path, p);
    }
  };

  async function readBounded(path: string): Promise<string | undefined> {
    const size = await tree.size?.(path);
    if (size !== undefined) checkSize(size, opts.limits);
    return tree.read(path);
  }

  async function load(path: string, scannedEntry: boolean): Promise<FileOutcome> {
    let text: string | undefined;
    const mustReport = () => !scannedEntry || CATALOG_NAME.test(path) || (opts.previous?.heldEntities(full(path)) ?? false);
    try {
      text = await readText(path);
    } catch (e) {
      if (!mustReport()) return { kind: 'skip' };
      return { kind: 'error', message: e instanceof YamlError ? e.message : `could not read the file: ${message(e)}` };
    }
    if (text === undefined) return { kind: 'missing' };
    try {
      const docs = parseYamlDocuments(text, opts.limits);
      if (scannedEntry && !CATALOG_NAME.test(path) && !docs.some((d) => looksLikeEntity(d.value)) && !opts.previous?.heldEntities(full(path))) {
        return { kind: 'skip' };
      }
      return { kind: 'docs', docs };
    } catch (e) {
      if (!mustReport() && !BACKSTAGE_API_VERSION_LINE.test(text)) return { kind: 'skip' };
      return e instanceof YamlError ? { kind: 'error', message: e.message, line: e.line } : { kind: 'error', message: message(e) };
    }
  }

  /** A file that cannot be used now keeps its entities, and the Locations it held keep being followed. */
  function fail(path: string, origin: string, queue: Unit[]) {
    result.failedFiles.add(full(path));
    for (const location of opts.previous?.locationsIn(full(path)) ?? []) {
      const unit = locationUnit(location, path, 0, origin, true);
      if (unit) queue.push(unit);
    }
  }

  function locationUnit(location: Entity, path: string, line: number, origin: string, quiet = false): Unit | undefined {
    const spec = (location.spec ?? {}) as { target?: unknown; targets?: unknown; presence?: unknown };
    const raws = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string');
    const declaredBy = { path, line, ref: refOf(location) };
    const unit: Unit = { targets: [], origin, declaredBy };
    for (const raw of raws) {
      if (/[*?[\]{}]/.test(raw)) {
        // The scan already reads every YAML file, so a glob adds nothing there.
        if (!tree.scanned && !quiet) problem(path, `${declaredBy.ref}: glob target "${raw}" is not supported; list the files, or use a folder or Git source, which reads every YAML file`, line, declaredBy.ref);
        continue;
      }
      try {
        unit.targets.push({ path: resolveInTree(path, raw, 'Location target'), optional: spec.presence === 'optional', raw });
      } catch (e) {
        if (!quiet) problem(path, `${declaredBy.ref}: ${message(e)}`, line, declaredBy.ref);
      }
    }
    return unit.targets.length ? unit : undefined;
  }

  async function toRecord(raw: unknown, path: string, origin: string): Promise<{ record: CatalogRecord } | { error: string }> {
    const label = labelOf(raw);
    if (!isObject(raw)) return { error: `${label}: a catalog document must be an object, got ${Array.isArray(raw) ? 'a list' : typeof raw}` };
    let resolved: Record<string, unknown>;
    const included: string[] = [];
    try {
      resolved = (await resolvePlaceholders(raw, { filePath: path, read: readBounded, limits: opts.limits, included: (p) => included.push(full(p)) })) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof PlaceholderError || e instanceof YamlError) return { error: `${label}: ${e.message}` };
      throw e;
    }
    if (included.length) result.includes.set(full(path), [...(result.includes.get(full(path)) ?? []), ...included]);
    annotate(resolved, tree.locationOf(path), origin);
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
    const location = tree.locationOf(path);
    return {
      record: {
        ref,
        entity,
        relations,
        filePath: full(path),
        ...(location.viewUrl ? { fileUrl: location.viewUrl } : {}),
        ...(tree.committedAt(path) ? { fileCommittedAt: tree.committedAt(path) } : {}),
        contentHash: contentHash(entity),
      },
    };
  }

  async function processUnit(unit: Unit, queue: Unit[], scannedEntry: boolean) {
    const files: { path: string; docs: YamlDocument[] }[] = [];
    for (const target of unit.targets) {
      if (visited.has(target.path)) continue;
      visited.add(target.path);
      const outcome = await load(target.path, scannedEntry);
      if (outcome.kind === 'skip') continue;
      if (outcome.kind === 'missing') {
        if (target.optional || !unit.declaredBy) continue;
        const { path, line, ref } = unit.declaredBy;
        problem(path, `${ref}: target "${target.raw}" does not exist`, line, ref);
        fail(target.path, unit.origin, queue);
        continue;
      }
      result.filesRead.add(full(target.path));
      if (outcome.kind === 'error') {
        const via = unit.declaredBy ? ` (read through ${unit.declaredBy.ref} in ${full(unit.declaredBy.path)})` : '';
        problem(target.path, `${outcome.message}${via}`, outcome.line);
        fail(target.path, unit.origin, queue);
        continue;
      }
      files.push({ path: target.path, docs: outcome.docs });
    }

    if (allowed || opts.kindRule) {
      const refusal = (kind: string) =>
        allowed && !allowed.has(kind.toLocaleLowerCase('en-US')) ? `CATALOG_ALLOWED_KINDS: ${[...allowed].join(', ')}` : opts.kindRule && !opts.kindRule.allows(kind) ? opts.kindRule.describe : undefined;
      for (const file of files) {
        const refused = file.docs.find((d) => isObject(d.value) && typeof d.value.kind === 'string' && refusal(d.value.kind) !== undefined);
        if (!refused) continue;
        // As in Backstage, one entity of a disallowed kind fails everything its Location emits.
        const at = unit.declaredBy ?? { path: file.path, line: refused.line, ref: undefined };
        const where = unit.declaredBy ? `${unit.declaredBy.ref} in ${full(unit.declaredBy.path)}` : full(file.path);
        problem(at.path, `Entity ${labelOf(refused.value)} in ${full(file.path)}, read through ${where}, is not of an allowed kind (${refusal(String((refused.value as { kind: string }).kind))})`, at.line, at.ref);
        for (const f of files) fail(f.path, unit.origin, queue);
        return;
      }
    }

    for (const file of files) {
      const records: CatalogRecord[] = [];
      for (const doc of file.docs) {
        const outcome = await toRecord(doc.value, file.path, unit.origin);
        if ('error' in outcome) {
          problem(file.path, outcome.error, doc.line, labelOf(doc.value).includes('?') ? undefined : labelOf(doc.value));
          fail(file.path, unit.origin, queue);
          continue;
        }
        records.push(outcome.record);
        if (outcome.record.entity.kind.toLowerCase() === 'location') {
          const child = locationUnit(outcome.record.entity, file.path, doc.line, unit.origin);
          if (child) queue.push(child);
        }
      }
      if (opts.onRecords) {
        if (records.length) await opts.onRecords(records, result.failedFiles.has(full(file.path)));
      }
      else result.records.push(...records);
    }
  }

  const entries = await tree.entryPoints();
  const scanned = tree.scanned ?? false;
  for (let i = 0; i < entries.length; i++) {
    for (let j = i; j < Math.min(entries.length, i + PREFETCH); j++) prefetch(entries[j]!);
    const entry = entries[i]!;
    if (visited.has(entry)) continue;
    const queue: Unit[] = [];
    await processUnit({ targets: [{ path: entry, optional: false, raw: entry }], origin: locationString(tree.locationOf(entry)) }, queue, scanned);
    // Locations are followed before the next entry point, so files reached through them are theirs.
    while (queue.length) await processUnit(queue.shift()!, queue, false);
  }
  return result;
}
