/**
 * Which files of a source are read together. A file reached through a Location gets that
 * Location's origin, and one its Location stops naming must be looked at again, so a change to a
 * Location's file or to one of its targets re-reads both; the targets need not be YAML files
 * (`child.cat`, `x.json`), which no scan would find on its own.
 */
import { posix } from 'node:path';
import type { CatalogRecord } from '../catalog/store.js';

/** Key of a source's stored state: file -> (tree-prefixed) files its Location entities name. */
export const LOCATIONS_STATE_KEY = 'locations';

export type Edges = Record<string, string[]>;

export function edgesOf(state: Record<string, unknown> | null | undefined): Edges {
  const value = state?.[LOCATIONS_STATE_KEY];
  return value && typeof value === 'object' ? (value as Edges) : {};
}

/** Targets of the Location records of one file, resolved like the reader does (relative to the file, never leaving the tree). */
export function locationTargets(records: readonly CatalogRecord[]): string[] {
  const out = new Set<string>();
  for (const r of records) {
    if (r.entity.kind.toLowerCase() !== 'location') continue;
    const spec = (r.entity.spec ?? {}) as { target?: unknown; targets?: unknown };
    for (const raw of [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])]) {
      if (typeof raw !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('/')) continue;
      const path = posix.normalize(posix.join(posix.dirname(r.filePath), raw.replace(/^file:/, '')));
      if (!path.startsWith('../') && path !== '..') out.add(path);
    }
  }
  return [...out];
}

/** Every file linked to `seeds` through Locations (either way, transitively), seeds included. */
export function linkedClosure(edges: Edges, seeds: Iterable<string>): Set<string> {
  const out = new Set(seeds);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [parent, targets] of Object.entries(edges)) {
      if (!out.has(parent) && !targets.some((t) => out.has(t))) continue;
      for (const f of [parent, ...targets]) {
        if (!out.has(f)) {
          out.add(f);
          grew = true;
        }
      }
    }
  }
  return out;
}
