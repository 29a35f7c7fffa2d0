/**
 * Backstage's `$text`, `$json` and `$yaml` placeholders: a one-key object replaced by the content of
 * the file it names: a path resolved relative to the entity's file, inside the same tree, or an
 * absolute URL on an allowed host (`$text: https://github.com/o/r/blob/main/openapi.yaml`, read
 * through remote-files.ts; relative ones inside a file read from a URL resolve against that URL).
 * Any other `$key` object (a JSON Schema `$ref`, say) is left alone, as Backstage leaves it, and so is
 * everything inside an object holding a `$` key (Backstage does not look inside). Nothing under `.git/` is ever read: in a folder
 * source it holds credentials (a remote URL's token), and Git does not track it.
 */
import { posix } from 'node:path';
import { isUrlPath, type RemoteFiles } from './remote-files.js';
import { parseYamlValue, type YamlLimits } from './yaml.js';

const resolvers = ['text', 'json', 'yaml'] as const;
type Resolver = (typeof resolvers)[number];

export class PlaceholderError extends Error {}

export interface PlaceholderContext {
  /** Path of the entity's file in the tree. */
  filePath: string;
  read(path: string): Promise<string | undefined>;
  limits: YamlLimits;
  /** Called with every tree path a placeholder read, so a change to it can re-read the entity. */
  included(path: string): void;
  /** Files of other repositories (`$text: https://github.com/…`); absent: URLs are refused. */
  remote?: RemoteFiles;
}

/**
 * The URL a target names, when it names one: an absolute `http(s)://` target, or any relative target
 * of a remote file. Throws a PlaceholderError saying why when that URL may not be read (a host that is
 * not allowed, no credentials). Undefined for a path inside the tree.
 */
export function remoteTarget(fromFile: string, raw: string, what: string, remote: RemoteFiles | undefined): string | undefined {
  const target = raw;
  const absolute = /^https?:\/\//i.test(target);
  if (!absolute && !isUrlPath(fromFile)) return undefined;
  let url: string;
  try {
    url = new URL(target, absolute ? undefined : fromFile).toString();
  } catch {
    throw new PlaceholderError(`${what} "${raw}" is not a valid URL`);
  }
  if (!/^https?:\/\//i.test(url)) throw new PlaceholderError(`${what} "${raw}" is not an http(s) URL`);
  // Refused as written: URL parsing folds `..` away, which would silently point somewhere else.
  const why = remote ? remote.refusal(absolute ? target : url) : 'url targets and placeholders are not read for this source';
  if (why) throw new (remote?.readable ? PlaceholderError : RemoteUnavailable)(`${what} "${raw}" cannot be read: ${why}`);
  return url;
}

/** Nothing reads URLs for this source (no GitHub access, or registered at run time): an optional target is skipped. */
export class RemoteUnavailable extends PlaceholderError {}

/** Tree path of a placeholder target, or a PlaceholderError when it leaves the tree. */
export function resolveInTree(fromFile: string, target: string, what: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) {
    throw new PlaceholderError(`${what} "${target}" points outside this source; only paths relative to the file are read`);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(fromFile), target));
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new PlaceholderError(`${what} "${target}" points outside this source's tree`);
  }
  if (resolved.split('/').includes('.git')) {
    throw new PlaceholderError(`${what} "${target}" points into .git/, which is not part of the catalog and is never read`);
  }
  return resolved;
}

function isResolverKey(key: string): boolean {
  return key.startsWith('$') && resolvers.includes(key.slice(1) as Resolver);
}

/** Whether a `$text`/`$json`/`$yaml` object occurs where Backstage resolves one (a cheap scan). */
export function hasPlaceholders(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPlaceholders);
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  if (keys.some((k) => k.startsWith('$'))) return keys.length === 1 && isResolverKey(keys[0]!);
  return Object.values(value).some(hasPlaceholders);
}

export async function resolvePlaceholders(value: unknown, ctx: PlaceholderContext): Promise<unknown> {
  if (!hasPlaceholders(value)) return value;
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolvePlaceholders(v, ctx)));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && isResolverKey(entries[0]![0])) {
    const [key, target] = entries[0]!;
    const resolver = key.slice(1) as Resolver;
    if (typeof target !== 'string') {
      throw new PlaceholderError(`Placeholder ${key} expected a string value parameter, in the form of an absolute URL or a relative path; got ${JSON.stringify(target)}`);
    }
    return substitute(resolver, target, ctx);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = await resolvePlaceholders(v, ctx);
  return out;
}

async function substitute(resolver: Resolver, target: string, ctx: PlaceholderContext): Promise<unknown> {
  const what = `Placeholder $${resolver}`;
  const path = remoteTarget(ctx.filePath, target, what, ctx.remote) ?? resolveInTree(ctx.filePath, target, what);
  ctx.included(path);
  let text: string | undefined;
  try {
    text = await ctx.read(path);
  } catch (e) {
    // A directory or an unreadable file fails this entity only, never the whole source.
    throw new PlaceholderError(`${what} could not read "${target}" (${path}): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (text === undefined) throw new PlaceholderError(`${what} could not read "${target}": no such file`);
  if (Buffer.byteLength(text, 'utf8') > ctx.limits.maxBytes) {
    throw new PlaceholderError(`${what} "${target}" is larger than the limit of ${ctx.limits.maxBytes} bytes (MAX_FILE_BYTES)`);
  }
  if (resolver === 'text') return text;
  try {
    return resolver === 'json' ? JSON.parse(text) : parseYamlValue(text, ctx.limits, target);
  } catch (e) {
    throw new PlaceholderError(`${what} failed to parse "${target}": ${e instanceof Error ? e.message : String(e)}`);
  }
}
