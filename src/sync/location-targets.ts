/**
 * What a Location entity points at, checked as Backstage's orchestrator checks it before reading:
 * its type must be the type of the file it sits in (Backstage allows only that type, or `url`,
 * and Callsheet reads only inside the source), and each target must resolve inside the tree.
 * Any of these failing fails the Location: it is not visible and nothing it points at is read.
 */
import type { Entity } from '@backstage/catalog-model';
import { message } from './documents.js';
import { resolveInTree } from './placeholders.js';

export interface Target {
  path: string;
  optional: boolean;
  raw: string;
  /** Why the target cannot be read from this source (outside it, or under .git/): treated as missing. */
  unreachable?: string;
}

export interface LocationTargets {
  targets: Target[];
  /** Why the Location fails; empty when it does not. */
  errors: string[];
}

const GLOB = /[*?[\]{}]/;

/** `treeType` is the location type of the Location's own file (`file` for folders, `url` for Git). */
export function locationTargets(location: Entity, path: string, treeType: string, scanned: boolean): LocationTargets {
  const spec = (location.spec ?? {}) as { type?: unknown; target?: unknown; targets?: unknown; presence?: unknown };
  const out: LocationTargets = { targets: [], errors: [] };
  if (spec.type !== undefined && spec.type !== treeType) {
    out.errors.push(`Location type "${String(spec.type)}" is not supported here: a Location in this source reads files of this source only (type "${treeType}" or no type)`);
    return out;
  }
  const raws = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string' && t !== '');
  for (const raw of raws) {
    if (GLOB.test(raw)) {
      // The scan already reads every YAML file, so a glob adds nothing there.
      if (!scanned) out.errors.push(`glob target "${raw}" is not supported; list the files, or use a folder or Git source, which reads every YAML file`);
      continue;
    }
    const optional = spec.presence === 'optional';
    try {
      out.targets.push({ path: resolveInTree(path, raw, 'Location target'), optional, raw });
    } catch (e) {
      // What Backstage cannot find there it treats as missing: optional targets are then skipped.
      out.targets.push({ path: `\0unreachable:${raw}`, optional, raw, unreachable: message(e) });
    }
  }
  return out;
}
