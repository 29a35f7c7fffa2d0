/**
 * Where a fetch action reads from: a path next to the template (`./skeleton`), or, as in Backstage,
 * an absolute URL (a GitHub blob/tree URL, or a Git URL on an allowed host) read by the RemoteReader
 * the composition root passes in. Remote content lands in a temporary folder, removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathRefused, type WorkspaceLimits } from '../workspace.js';
import { resolveTemplateUrl } from './template-files.js';

export interface RemoteReader {
  /** Writes the folder (tree URL) or the one file (blob URL) `url` names under `into`; returns what it wrote there. */
  read(url: string, into: string, limits: WorkspaceLimits): Promise<{ kind: 'folder' | 'file'; path: string }>;
}

export const isAbsoluteUrl = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

/** Runs `use` on the local folder or file `url` names, fetching it first when remote. */
export async function withSource<T>(templateDir: string, url: string, remote: RemoteReader | undefined, limits: WorkspaceLimits, use: (path: string, kind?: 'folder' | 'file') => Promise<T>): Promise<T> {
  if (!isAbsoluteUrl(url)) return use(await resolveTemplateUrl(templateDir, url));
  if (!remote) throw new PathRefused(`url ${url}: remote URLs are not configured here (GitHub or GIT_ALLOWED_HOSTS); use a path next to the template`);
  const dir = await mkdtemp(join(tmpdir(), 'callsheet-fetch-'));
  try {
    const got = await remote.read(url, join(dir, 'content'), limits);
    return await use(got.path, got.kind);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
