/**
 * Which files of a source are read together. A file reached through a Location gets that
 * Location's origin, and one its Location stops naming must be looked at again, so a change to a
 * Location's file or to one of its targets re-reads both; the targets need not be YAML files
 * (`child.cat`, `x.json`), which no scan would find on its own.
 */
import { posix } from 'node:path';
import type { CatalogRecord } from '../catalog/store.js';
import { parseYamlDocuments } from './yaml.js';
import { GLOB, globInTree, globMatches } from './location-targets.js';
import { isUrlPath, urlOfKey } from './remote-files.js';

/** Key of a source's stored state: file -> (tree-prefixed) files its Location entities name. */
export const LOCATIONS_STATE_KEY = 'locations';

export type Edges = Record<string, string[]>;

export function edgesOf(state: Record<string, unknown> | null | undefined): Edges {
  const value = state?.[LOCATIONS_STATE_KEY];
  return value && typeof value === 'object' ? (value as Edges) : {};
}

/**
 * Targets of the Location records of one file, resolved like the reader does (relative to the file,
 * never leaving the tree). A URL target is linked as `<tree>/<url>`, the path its entities are kept under.
 */
export function locationTargets(records: readonly CatalogRecord[], treeName = ''): string[] {
  const out = new Set<string>();
  for (const r of records) {
    if (r.entity.kind.toLowerCase() !== 'location') continue;
    const spec = (r.entity.spec ?? {}) as { target?: unknown; targets?: unknown };
    const base = isUrlPath(r.filePath) ? urlOfKey(r.filePath) : undefined;
    const prefix = base !== undefined ? r.filePath.slice(0, r.filePath.length - base.length) : treeName ? `${treeName}/` : '';
    for (const raw of [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])]) {
      if (typeof raw === 'string' && (base !== undefined || /^https?:\/\//i.test(raw))) {
        try {
          // A glob of another repository is refused by the reader: nothing to link.
          if (!raw.includes('*')) out.add(`${prefix}${new URL(raw, base).toString()}`);
        } catch {
          // not a URL: never read, so nothing to link
        }
        continue;
      }
      if (typeof raw !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(raw.replace(/^file:/, '')) || raw.startsWith('/')) continue;
      if (GLOB.test(raw)) {
        // The pattern itself is the link: a file added later that matches it re-reads this Location.
        try {
          out.add(globInTree(r.filePath, raw));
        } catch {
          // leaves the tree: never read, so nothing to link
        }
        continue;
      }
      const path = posix.normalize(posix.join(posix.dirname(r.filePath), raw.replace(/^file:/, '')));
      if (!path.startsWith('../') && path !== '..') out.add(path);
    }
  }
  return [...out];
}

/** Whether a linked target (a path, or a glob pattern) names `path`. */
export function targetNames(target: string, path: string): boolean {
  return target === path || (GLOB.test(target) && globMatches(target, path));
}

/**
 * Every file linked to `seeds` through Locations (either way, transitively), seeds included. A glob
 * target links the files of `files` it matches (all of them once its Location is in).
 */
export function linkedClosure(edges: Edges, seeds: Iterable<string>, files: readonly string[] = []): Set<string> {
  const out = new Set(seeds);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [parent, targets] of Object.entries(edges)) {
      const globs = targets.filter((t) => GLOB.test(t));
      if (!out.has(parent) && !targets.some((t) => out.has(t)) && !globs.some((g) => [...out].some((p) => globMatches(g, p)))) continue;
      const matched = globs.flatMap((g) => [...files, ...out].filter((p) => globMatches(g, p)));
      for (const f of [parent, ...targets.filter((t) => !GLOB.test(t)), ...matched]) {
        if (!out.has(f)) {
          out.add(f);
          grew = true;
        }
      }
    }
  }
  return out;
}

// Generous bounds: this only finds which files to read together; the read itself applies the real limits.
const SCAN_LIMITS = { maxBytes: 16 * 1024 * 1024, maxDocuments: 20_000, maxAliasCount: 100 };

/**
 * The files a changed file's Location entities name now. The stored edges are last sync's, so a
 * Location that starts naming a file would not bring that file in; a file both scanned by itself and
 * named by the Location must then be read as a fresh read of the commit reads it (as its own entry).
 * Unparseable text names nothing (the read reports it).
 */
export function locationTargetsInText(filePath: string, text: string): string[] {
  if (!/kind["']?\s*:\s*["']?location/i.test(text)) return [];
  try {
    const records = parseYamlDocuments(text, SCAN_LIMITS)
      .filter((d) => d.value && typeof d.value === 'object' && typeof (d.value as { kind?: unknown }).kind === 'string')
      .map((d) => ({ entity: d.value, filePath }) as unknown as CatalogRecord);
    return locationTargets(records);
  } catch {
    return [];
  }
}

/** Last sync's edges joined with what the changed files name now (read with `read`). */
export async function edgesWithChanges(edges: Edges, changed: readonly string[], read: (path: string) => Promise<string | undefined>): Promise<Edges> {
  const out: Edges = { ...edges };
  for (const path of changed) {
    const text = await read(path).catch(() => undefined);
    const now = text === undefined ? [] : locationTargetsInText(path, text);
    if (now.length) out[path] = [...new Set([...(out[path] ?? []), ...now])];
  }
  return out;
}
