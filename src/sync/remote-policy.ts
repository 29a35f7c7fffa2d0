/**
 * Which Git remotes a location registered at run time (catalog:register, from what a user typed)
 * may point at: an https:// (or http://) URL on an allowed host whose every address is public, or a
 * repository publish:git made under the server's own repository folder. Never a server path, and
 * never loopback, link-local or private addresses, whatever DNS says: the addresses checked are
 * pinned for git (http.curloptResolve) and redirects are refused, so neither a second DNS answer
 * nor a 30x can lead the fetch elsewhere.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPublicAddress } from './address.js';
import { isGitSpec, parseGitSpec } from './sources/git.js';

export interface RemotePolicy {
  /** Host names (lower case, no port): the configured GitHub's and GIT_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  /** publish:git's folder of bare repositories: `file://` URLs inside it are ours. */
  reposDir?: string;
  /** Every address of a host name (tests hand in their own resolver). */
  lookup?: (host: string) => Promise<string[]>;
}

export class RemoteRefused extends Error {}

const defaultLookup = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

async function inside(path: string, folder: string): Promise<boolean> {
  const [real, base] = await Promise.all([realpath(path).catch(() => undefined), realpath(folder).catch(() => undefined)]);
  if (!real || !base) return false;
  const rel = relative(base, real);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Checks `spec` (CATALOG_SOURCES syntax) against the policy and returns the `git -c` options that
 * keep the fetch on the addresses checked; throws RemoteRefused saying why otherwise.
 */
export async function checkRemote(spec: string, policy: RemotePolicy): Promise<string[]> {
  const shown = spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  if (!isGitSpec(spec)) throw new RemoteRefused(`"${shown}" is not a Git URL; only https:// URLs on ${hostsText(policy)} can be registered`);
  const { url: raw } = parseGitSpec(spec);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RemoteRefused(`"${shown}" is not an https:// URL; only https:// URLs on ${hostsText(policy)} can be registered`);
  }
  if (url.protocol === 'file:') {
    if (policy.reposDir && (await inside(fileURLToPath(url), policy.reposDir))) return [];
    throw new RemoteRefused(`"${shown}" is a path on this server, which cannot be registered`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RemoteRefused(`"${shown}": only https:// URLs can be registered, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw new RemoteRefused(`"${shown}": a URL with credentials in it cannot be registered`);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (!policy.allowedHosts.includes(host)) throw new RemoteRefused(`"${shown}": ${host} is not an allowed Git host (allowed: ${hostsText(policy)}; add it to GIT_ALLOWED_HOSTS)`);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (policy.lookup ?? defaultLookup)(host);
    } catch (error) {
      throw new RemoteRefused(`"${shown}": ${host} could not be resolved (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (!addresses.length) throw new RemoteRefused(`"${shown}": ${host} has no address`);
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad) throw new RemoteRefused(`"${shown}": ${host} resolves to ${bad}, a loopback, link-local or private address, which is never fetched`);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const pinned = addresses.map((a) => (isIP(a) === 6 ? `[${a}]` : a)).join(',');
  return ['-c', 'http.followRedirects=false', '-c', `http.curloptResolve=${host}:${port}:${pinned}`];
}

function hostsText(policy: RemotePolicy): string {
  return policy.allowedHosts.length ? policy.allowedHosts.join(', ') : '(no hosts: set GIT_ALLOWED_HOSTS)';
}
