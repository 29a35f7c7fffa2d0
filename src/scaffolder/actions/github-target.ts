/** Shared by the GitHub actions: which repository a `repoUrl` names on the configured GitHub, and the workspace's files. */
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { GithubClient } from '../../github/client.js';
import type { PublishFile } from '../../github/publish.js';
import { parseRepoUrl } from '../filters.js';
import type { Workspace } from '../workspace.js';

export interface GithubActionOptions {
  /** A client allowed to act on `owner`'s repositories (token or the App's installation). */
  client: (owner: string) => Promise<GithubClient>;
  /** Host of the configured GitHub (github.com or the Enterprise Server host): other hosts are refused. */
  host: string;
}

export async function githubTarget(options: GithubActionOptions, repoUrl: string, action: string): Promise<{ owner: string; repo: string; client: GithubClient }> {
  const spec = parseRepoUrl(repoUrl);
  if (spec.host !== options.host) throw new Error(`${action}: repoUrl host ${spec.host} is not the configured GitHub (${options.host})`);
  const owner = spec.owner ?? spec.organization;
  if (!owner) throw new Error(`${action}: repoUrl ${repoUrl} names no owner`);
  return { owner, repo: spec.repo, client: await options.client(owner) };
}

/** The files under `sourcePath` of the workspace, with paths relative to it. */
export async function workspaceFiles(workspace: Workspace, sourcePath = './'): Promise<PublishFile[]> {
  const root = await workspace.resolve(sourcePath);
  const files: PublishFile[] = [];
  for (const path of await workspace.list()) {
    const full = join(workspace.root, path);
    const inside = relative(root, full);
    if (inside.startsWith('..')) continue;
    const info = await stat(full);
    files.push({ path: inside.split('\\').join('/'), content: await readFile(full), executable: (info.mode & 0o111) !== 0 });
  }
  return files;
}
