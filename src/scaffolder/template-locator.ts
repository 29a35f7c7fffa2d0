/**
 * Where a template's own files (skeletons) are read from, by its source: a folder source's folder as
 * it is; a Git source of TEMPLATE_SOURCES (any Git URL, as the sync reads it) at the very commit the
 * sync last read, checked out from a bare cache under DATA_DIR into a folder for this one task; a
 * `github:` source through the GitHub API (the RemoteReader), from the template's location URL. So a
 * template in a Git repository runs with the skeleton of the same commit its form came from, and a
 * sync to a new commit moves both together.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { parseSourceItem } from '../config/sources.js';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';
import { gitDriver, parseGitSpec } from '../sync/sources/git.js';
import type { RemoteReader } from './actions/source-folder.js';
import { git } from './git.js';
import { localTemplateDir, type TemplateLocator, type TemplateRecord } from './templates.js';
import { DEFAULT_WORKSPACE_LIMITS, type WorkspaceLimits } from './workspace.js';

export interface SourceTemplateLocatorOptions {
  db: Db;
  dataDir: string;
  /** TEMPLATE_SOURCES as configured (a Git URL may carry credentials; ids never do). */
  templateSources: string[];
  /** For `github:` sources: reads the template's folder through the configured GitHub. */
  remote?: RemoteReader;
  limits?: WorkspaceLimits;
}

/** The template folder's tree URL, from a `url:…/blob/<ref>/<path>/template.yaml` location. */
function treeUrlOf(template: TemplateRecord): string | undefined {
  const location = template.entity.metadata.annotations?.['backstage.io/managed-by-location'];
  if (typeof location !== 'string' || !location.startsWith('url:')) return undefined;
  const url = location.slice(4);
  return /\/blob\//.test(url) ? url.replace(/\/blob\//, '/tree/').replace(/\/[^/]+$/, '') : undefined;
}

export function sourceTemplateLocator(options: SourceTemplateLocatorOptions): TemplateLocator {
  // Source id -> configured Git URL and branch, computed as the sync's git driver computes ids.
  const gitSources = new Map<string, string>();
  for (const raw of options.templateSources) {
    const item = parseSourceItem(raw);
    if (item.type === 'git') gitSources.set(gitDriver(item.spec, { dataDir: options.dataDir }).id, item.spec);
  }

  async function fromGit(template: TemplateRecord, spec: string) {
    const [row] = await options.db.select({ revision: sources.lastRevision }).from(sources).where(eq(sources.id, template.sourceId));
    const commit = row?.revision;
    if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) throw new Error(`cannot read the files of ${template.ref}: its Git source ${template.sourceId} has not been synced yet`);
    const { url, branch } = parseGitSpec(spec);
    const cache = join(resolve(options.dataDir), 'template-git', createHash('sha256').update(url).digest('hex').slice(0, 24));
    if (!existsSync(join(cache, 'HEAD'))) {
      await mkdir(cache, { recursive: true });
      await git(['init', '--bare', '--quiet', cache]);
    }
    const has = () => git(['cat-file', '-e', `${commit}^{commit}`], { cwd: cache }).then(() => true, () => false);
    if (!(await has())) {
      await git(['fetch', '--quiet', '--no-tags', '--force', url, `+${branch ? `refs/heads/${branch}` : 'HEAD'}:refs/callsheet/templates`], { cwd: cache });
      if (!(await has())) throw new Error(`cannot read the files of ${template.ref}: commit ${commit.slice(0, 12)} is no longer on ${template.sourceId}; sync again`);
    }
    const dir = posix.dirname(template.filePath.split('\\').join('/'));
    if (dir.split('/').includes('..')) throw new Error(`cannot read the files of ${template.ref}: ${template.filePath} leaves its source`);
    const work = await mkdtemp(join(tmpdir(), 'callsheet-template-'));
    try {
      const index = join(work, 'index');
      const folder = join(work, 'files');
      await mkdir(folder);
      // Only the template's folder, through a private index: the cache has no work tree to disturb.
      await git(['read-tree', `${commit}:${dir === '.' ? '' : dir}`], { cwd: cache, env: { GIT_INDEX_FILE: index } });
      await git([`--work-tree=${folder}`, 'checkout-index', '--all'], { cwd: cache, env: { GIT_INDEX_FILE: index } });
      return { dir: folder, release: () => rm(work, { recursive: true, force: true }) };
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw error;
    }
  }

  async function fromRemote(template: TemplateRecord, remote: RemoteReader, url: string) {
    const work = await mkdtemp(join(tmpdir(), 'callsheet-template-'));
    try {
      const got = await remote.read(url, join(work, 'files'), options.limits ?? DEFAULT_WORKSPACE_LIMITS);
      if (got.kind !== 'folder') throw new Error(`cannot read the files of ${template.ref}: ${url} is not a folder`);
      return { dir: got.path, release: () => rm(work, { recursive: true, force: true }) };
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw error;
    }
  }

  return async (template) => {
    const spec = template.sourceKind === 'git' ? gitSources.get(template.sourceId) : undefined;
    if (spec) return fromGit(template, spec);
    const tree = template.sourceKind === 'github' ? treeUrlOf(template) : undefined;
    if (tree && options.remote) return fromRemote(template, options.remote, tree);
    return localTemplateDir(template);
  };
}
