/**
 * What a Location entity points at, checked as Backstage's orchestrator checks it before reading:
 * its type must be the type of the file it sits in (Backstage allows only that type, or `url`,
 * and Callsheet reads only inside the source), and each target must resolve inside the tree.
 * Any of these failing fails the Location: it is not visible and nothing it points at is read.
 *
 * A target with glob characters (`./services/*\/catalog-info.yaml`, `**\/catalog-info.yaml`) names
 * every file of the tree it matches, as Backstage's readers search: resolved against the Location's
 * folder, matched with minimatch's defaults (`*` stays inside one folder and skips dot files), in
 * path order. A glob that matches nothing is a missing target. In `url` trees (Git), as in Backstage's
 * URL readers, only `*` and `?` make a glob; `[...]` and `{...}` are read literally there.
 *
 * An absolute `https://` target (and any target of a file read from a URL) names a file of another
 * repository, read through `remote` when its host is allowed; a refused host fails the Location
 * whatever its presence, as Backstage's reader refuses it (NotAllowedError, not NotFound). Where
 * nothing reads URLs (no GitHub access, a source registered at run time) a URL target is missing:
 * an optional one is skipped, a required one fails the Location with the reason.
 */
import { posix } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { minimatch } from 'minimatch';
import { message } from './documents.js';
import { RemoteUnavailable, remoteTarget, resolveInTree } from './placeholders.js';
import { isUrlPath, type RemoteFiles } from './remote-files.js';

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

export const GLOB = /[*?[\]{}]/;
// Backstage's URL readers search only when the path has `*` or `?`; its file reader globs any pattern.
const URL_GLOB = /[*?]/;
const ABSOLUTE_URL = /^https?:\/\//i;

/** A glob target resolved against the Location's file: a tree-relative pattern. Throws when it leaves the tree. */
export function globInTree(fromFile: string, raw: string): string {
  const target = raw.replace(/^file:/, '');
  // The part before the first glob character must stay inside the tree, as any target must.
  const literal = target.slice(0, target.search(GLOB)).replace(/[^/]*$/, '');
  resolveInTree(fromFile, `${literal}x`, 'Location target');
  return posix.normalize(posix.join(posix.dirname(fromFile), target)).replace(/^\.\//, '');
}

/** Whether a tree path is one a glob pattern names (never anything under .git/). */
export function globMatches(pattern: string, path: string): boolean {
  return !path.split('/').includes('.git') && minimatch(path, pattern);
}

/**
 * `treeType` is the location type of the Location's own file (`file` for folders, `url` for Git);
 * `list` gives every file path of the tree, for glob targets (absent: the tree cannot be searched).
 */
export async function locationTargets(location: Entity, path: string, treeType: string, list?: () => Promise<string[]>, remote?: RemoteFiles): Promise<LocationTargets> {
  const spec = (location.spec ?? {}) as { type?: unknown; target?: unknown; targets?: unknown; presence?: unknown };
  const out: LocationTargets = { targets: [], errors: [] };
  const raws = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string' && t !== '');
  const urls = raws.length > 0 && raws.every((t) => ABSOLUTE_URL.test(t));
  if (spec.type !== undefined && spec.type !== treeType && !(spec.type === 'url' && urls)) {
    out.errors.push(`Location type "${String(spec.type)}" is not supported here: a Location in this source reads files of this source (type "${treeType}" or no type) or absolute URLs (type "url")`);
    return out;
  }
  const optional = spec.presence === 'optional';
  for (const raw of raws) {
    if (ABSOLUTE_URL.test(raw) || isUrlPath(path)) {
      if (raw.includes('*')) {
        out.errors.push(`glob target "${raw}" names files of another repository, which cannot be searched; list the files instead`);
        continue;
      }
      try {
        out.targets.push({ path: remoteTarget(path, raw, 'Location target', remote)!, optional, raw });
      } catch (e) {
        // Nothing can read it here: missing, as a target outside the source is (Backstage's reader would 404).
        if (e instanceof RemoteUnavailable) out.targets.push({ path: `\0unreachable:${raw}`, optional, raw, unreachable: message(e) });
        else out.errors.push(message(e));
      }
      continue;
    }
    if ((treeType === 'url' ? URL_GLOB : GLOB).test(raw)) {
      if (!list) {
        out.errors.push(`glob target "${raw}" cannot be searched in this source; list the files instead`);
        continue;
      }
      let pattern: string;
      try {
        pattern = globInTree(path, raw);
      } catch (e) {
        out.targets.push({ path: `\0unreachable:${raw}`, optional, raw, unreachable: message(e) });
        continue;
      }
      let files: string[];
      try {
        files = await list();
      } catch (e) {
        out.errors.push(`glob target "${raw}" could not be searched: ${message(e)}`);
        continue;
      }
      const matches = files.filter((p) => globMatches(pattern, p)).sort();
      if (!matches.length && !optional) out.errors.push(`glob target "${raw}" matches no file`);
      for (const match of matches) out.targets.push({ path: match, optional, raw });
      continue;
    }
    try {
      out.targets.push({ path: resolveInTree(path, raw, 'Location target'), optional, raw });
    } catch (e) {
      // What Backstage cannot find there it treats as missing: optional targets are then skipped.
      out.targets.push({ path: `\0unreachable:${raw}`, optional, raw, unreachable: message(e) });
    }
  }
  return out;
}
