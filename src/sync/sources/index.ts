/**
 * Which driver reads a configured source: a Git URL, a folder path, or (by the GitHub driver) a
 * whole organisation written `github:<org>`.
 */
import type { SourceDriver } from '../types.js';
import { folderDriver, type FolderHooks } from './folder.js';
import { gitDriver, isGitSpec } from './git.js';

export interface DriverDeps {
  /** Git caches live under `<dataDir>/git`. */
  dataDir: string;
  /** Folder paths are relative to this (default: the process's working directory). */
  cwd?: string;
  /** Test seams of folder sources. */
  folderHooks?: FolderHooks;
  /** Builds the `github:<org>` driver; absent when GitHub is not configured. */
  github?: (org: string) => SourceDriver;
  /** Builds the `gitlab:<group>` and `gitlab-org:<group>` drivers from the whole item; absent when GitLab is not configured. */
  gitlab?: (source: string) => SourceDriver;
  /** Builds the `backstage:<url>` driver (see sources/backstage.ts). */
  backstage?: (source: string) => SourceDriver;
  /** `git -c` options asked before each fetch of a Git source (see GitDriverDeps). */
  remoteOptions?: () => Promise<string[]>;
}

export function driverFor(spec: string, deps: DriverDeps): SourceDriver {
  const trimmed = spec.trim();
  const github = /^github:(.+)$/i.exec(trimmed);
  if (github) {
    if (!deps.github) throw new Error(`source "${trimmed}" needs the GitHub driver (configure GitHub access)`);
    return deps.github(github[1]!.trim());
  }
  if (/^gitlab(-org)?:/i.test(trimmed)) {
    if (!deps.gitlab) throw new Error(`source "${trimmed}" needs GitLab access (set GITLAB_TOKEN, and GITLAB_URL for a self-managed GitLab)`);
    return deps.gitlab(trimmed);
  }
  if (/^backstage:/i.test(trimmed)) {
    if (!deps.backstage) throw new Error(`source "${trimmed}" needs the Backstage driver`);
    return deps.backstage(trimmed);
  }
  if (isGitSpec(trimmed)) return gitDriver(trimmed, { dataDir: deps.dataDir, ...(deps.remoteOptions ? { remoteOptions: deps.remoteOptions } : {}) });
  return folderDriver(trimmed, { cwd: deps.cwd, ...(deps.folderHooks ? { hooks: deps.folderHooks } : {}) });
}
