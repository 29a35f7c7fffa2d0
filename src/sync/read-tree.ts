/**
 * Turns one tree of a source into catalog records, the way Backstage's processing loop does:
 * entry points and Location targets are read as multi-document YAML, placeholders are resolved,
 * each entity gets its location annotations and is validated, relations are derived, and
 * Location entities are followed. Whatever cannot be read becomes a Problem, and the file lands in
 * `failedFiles` so the store keeps what that file held before. As in Backstage, a Location whose
 * target cannot be used (missing, a directory, unreadable, broken YAML, a document that is not an
 * object, a refused kind, outside the source, an unsupported type) fails as a whole: the Location
 * is not visible and nothing it points at is read.
 */
import type { Entity } from '@backstage/catalog-model';
import { refOf } from '../catalog/refs.js';
import type { CatalogRecord } from '../catalog/store.js';
import type { KindRule } from '../trust/source-rules.js';
import { locationString } from './annotate.js';
import { BACKSTAGE_API_VERSION_LINE, CATALOG_NAME, envelopeError, isObject, labelOf, looksLikeEntity, message } from './documents.js';
import { toRecord } from './entity-record.js';
import { locationTargets as linkedTargets } from './dependencies.js';
import { locationTargets, type Target } from './location-targets.js';
import type { RemoteFiles } from './remote-files.js';
import { withRemote } from './remote-tree.js';
import { withoutSkeletons } from './skeletons.js';
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
  /** Files of other repositories that `type: url` targets and URL placeholders name (remote-tree.ts). */
  remote?: RemoteFiles;
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

interface Declaration { path: string; line: number; ref: string }

interface Unit {
  targets: Target[];
  origin: string;
  /** The Location entity that named the targets; absent for entry points. */
  declaredBy?: Declaration;
  /** Followed from what a failed file held before, only so its targets keep their entities. */
  kept?: boolean;
}

type FileOutcome =
  | { kind: 'docs'; docs: YamlDocument[] }
  | { kind: 'missing' }
  | { kind: 'directory' }
  | { kind: 'skip' }
  | { kind: 'error'; message: string; line?: number };

const PREFETCH = 32;
// Declares a Backstage apiVersion, in block or flow/JSON form: such a file is never skipped silently.
const DECLARES_BACKSTAGE = /["']?apiVersion["']?\s*:\s*["']?([\w-]+\.)*backstage\.io\//;

export async function readTree(sourceTree: Tree, opts: ReadOptions): Promise<ReadResult> {
  const tree = withRemote(sourceTree, opts.remote);
  const full = (p: string) => (tree.name ? `${tree.name}/${p}` : p);
  const allowed = opts.allowedKinds ? new Set(opts.allowedKinds.map((k) => k.toLocaleLowerCase('en-US'))) : undefined;
  const result: ReadResult = { records: [], problems: [], failedFiles: new Set(), filesRead: new Set(), includes: new Map() };
  const visited = new Set<string>();
  const pendingText = new Map<string, Promise<string | undefined>>();
  /** Targets loaded to judge their Location, kept until the Location's unit reads them. */
  const preloaded = new Map<string, FileOutcome>();
  const scanned = tree.scanned ?? false;
  let listedEntries = new Set<string>();
  const isEntryPoint = (path: string) => tree.isEntryPoint?.(path) ?? listedEntries.has(path);
  let listing: Promise<string[]> | undefined;
  const list = tree.list ? () => (listing ??= tree.list!()) : undefined;

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
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') return scannedEntry ? { kind: 'skip' } : { kind: 'directory' };
      // A file over MAX_FILE_BYTES is always reported: it may well be a catalog file.
      if (e instanceof YamlError) return { kind: 'error', message: e.message };
      if (!mustReport()) return { kind: 'skip' };
      return { kind: 'error', message: `could not read the file: ${message(e)}` };
    }
    if (text === undefined) return { kind: 'missing' };
    try {
      const docs = parseYamlDocuments(text, opts.limits);
      if (scannedEntry && !mustReport() && !docs.some((d) => looksLikeEntity(d.value)) && !DECLARES_BACKSTAGE.test(text)) return { kind: 'skip' };
      return { kind: 'docs', docs };
    } catch (e) {
      if (!mustReport() && !BACKSTAGE_API_VERSION_LINE.test(text) && !DECLARES_BACKSTAGE.test(text)) return { kind: 'skip' };
      return e instanceof YamlError ? { kind: 'error', message: e.message, line: e.line } : { kind: 'error', message: message(e) };
    }
  }

  /** A file that cannot be used now keeps its entities, and the Locations it held keep being followed. */
  async function fail(path: string, origin: string, queue: Unit[]) {
    if (result.failedFiles.has(full(path))) return;
    result.failedFiles.add(full(path));
    for (const location of opts.previous?.locationsIn(full(path)) ?? []) {
      const targets = (await locationTargets(location, path, tree.locationOf(path).type, list, opts.remote)).targets.filter((t) => !t.unreachable);
      if (targets.length) queue.push({ targets, origin, declaredBy: { path, line: 0, ref: refOf(location) }, kept: true });
    }
  }

  function refusal(kind: string): string | undefined {
    if (allowed && !allowed.has(kind.toLocaleLowerCase('en-US'))) return `CATALOG_ALLOWED_KINDS: ${[...allowed].join(', ')}`;
    if (opts.kindRule && !opts.kindRule.allows(kind)) return opts.kindRule.describe;
    return undefined;
  }

  /** Why a file's documents fail the Location (or entry point) that reads them, if they do. */
  function documentsRefused(path: string, docs: YamlDocument[], where: string): { message: string; line: number; parserError?: { message: string; line: number } } | undefined {
    let first: { message: string; line: number } | undefined;
    let parserError: { message: string; line: number } | undefined;
    for (const doc of docs) {
      let why: string | undefined;
      if (!isObject(doc.value)) {
        // The parser's own error, which Backstage reports on the file as well as on the Location.
        why = `${full(path)}: expected an object at the document's root, got ${Array.isArray(doc.value) ? 'a list' : typeof doc.value}`;
        parserError ??= { message: why, line: doc.line };
      } else {
        const invalid = envelopeError(doc.value);
        const refused = invalid === undefined && typeof doc.value.kind === 'string' ? refusal(doc.value.kind) : undefined;
        if (invalid) why = `${full(path)}: ${labelOf(doc.value)}: ${invalid}`;
        else if (refused) why = `Entity ${labelOf(doc.value)} in ${full(path)}, read through ${where}, is not of an allowed kind (${refused})`;
      }
      if (why) first ??= { message: why, line: doc.line };
    }
    return first ? { ...first, ...(parserError ? { parserError } : {}) } : undefined;
  }

  /**
   * Loads a Location's targets and judges it as Backstage's orchestrator does: the unit to read, or
   * the reasons it fails (then its targets keep what they held before).
   */
  async function judgeLocation(location: Entity, path: string, line: number, origin: string, queue: Unit[]): Promise<string[]> {
    const ref = refOf(location);
    const { targets, errors } = await locationTargets(location, path, tree.locationOf(path).type, list, opts.remote);
    const where = `${ref} in ${full(path)}`;
    for (const target of errors.length ? [] : targets) {
      if (target.unreachable) {
        if (!target.optional) errors.push(target.unreachable);
        continue;
      }
      const outcome = await load(target.path, false);
      if (outcome.kind === 'docs') {
        const refused = documentsRefused(target.path, outcome.docs, where);
        if (refused) {
          errors.push(refused.message);
          if (refused.parserError) problem(target.path, refused.parserError.message, refused.parserError.line);
        } else if (!visited.has(target.path)) preloaded.set(target.path, outcome);
      } else if (outcome.kind === 'missing' || outcome.kind === 'directory') {
        if (!target.optional) errors.push(`target "${target.raw}" ${outcome.kind === 'missing' ? 'does not exist' : 'is a directory, not a file'}`);
      } else if (outcome.kind === 'error') {
        errors.push(`target "${target.raw}" could not be read: ${outcome.message}`);
        result.filesRead.add(full(target.path));
        problem(target.path, `${outcome.message} (read through ${where})`, outcome.line);
      }
    }
    if (errors.length) {
      for (const target of targets.filter((t) => !t.unreachable)) {
        preloaded.delete(target.path);
        // A file that is an entry point of its own is read (or was) as such, with proof of what it
        // holds now: the failing Location does not make it keep what it held before.
        if (!isEntryPoint(target.path)) await fail(target.path, origin, queue);
      }
      return errors;
    }
    const reachable = targets.filter((t) => !t.unreachable);
    if (reachable.length) queue.push({ targets: reachable, origin, declaredBy: { path, line, ref } });
    return [];
  }

  async function processUnit(unit: Unit, queue: Unit[], scannedEntry: boolean) {
    const files: { path: string; docs: YamlDocument[] }[] = [];
    for (const target of unit.targets) {
      if (visited.has(target.path)) continue;
      // A target already failed in this read (e.g. the broken file that failed this very Location)
      // keeps its entities and has its problem reported; reading it again would report it twice,
      // which a fresh read (no previous Locations to follow) never does.
      if (unit.kept && result.failedFiles.has(full(target.path))) continue;
      visited.add(target.path);
      const outcome = preloaded.get(target.path) ?? (await load(target.path, scannedEntry));
      preloaded.delete(target.path);
      if (outcome.kind === 'skip' || outcome.kind === 'missing' || outcome.kind === 'directory') continue;
      result.filesRead.add(full(target.path));
      if (outcome.kind === 'error') {
        problem(target.path, outcome.message, outcome.line);
        await fail(target.path, unit.origin, queue);
        continue;
      }
      if (!unit.declaredBy) {
        // An entry point is a registered location of its own: a bad document fails the whole file.
        const refused = documentsRefused(target.path, outcome.docs, full(target.path));
        if (refused) {
          problem(target.path, refused.message, refused.line);
          await fail(target.path, unit.origin, queue);
          continue;
        }
      }
      files.push({ path: target.path, docs: outcome.docs });
    }

    for (const file of files) {
      const records: CatalogRecord[] = [];
      const fileCtx = { tree, limits: opts.limits, full, read: readBounded, ...(opts.remote ? { remote: opts.remote } : {}), included: (paths: string[]) => result.includes.set(full(file.path), [...(result.includes.get(full(file.path)) ?? []), ...paths]) };
      for (const doc of file.docs) {
        const outcome = await toRecord(doc.value, file.path, unit.origin, fileCtx);
        const label = labelOf(doc.value);
        if ('error' in outcome) {
          problem(file.path, outcome.error, doc.line, label.includes('?') ? undefined : label);
          await fail(file.path, unit.origin, queue);
          continue;
        }
        if (outcome.record.entity.kind.toLowerCase() === 'location') {
          const errors = await judgeLocation(outcome.record.entity, file.path, doc.line, unit.origin, queue);
          if (errors.length) {
            // Its targets are what can fix it: a change to one re-reads this file (as placeholders do).
            fileCtx.included(linkedTargets([outcome.record], tree.name));
            problem(file.path, `${outcome.record.ref}: ${errors.join('; ')}`, doc.line, outcome.record.ref);
            await fail(file.path, unit.origin, queue);
            continue;
          }
        }
        records.push(outcome.record);
      }
      if (opts.onRecords) {
        if (records.length) await opts.onRecords(records, result.failedFiles.has(full(file.path)));
      } else result.records.push(...records);
    }
  }

  // A scanned tree's template skeletons are not catalog files (skeletons.ts).
  const entries = scanned ? await withoutSkeletons(tree, await tree.entryPoints(), opts.limits) : await tree.entryPoints();
  listedEntries = new Set(entries);
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
