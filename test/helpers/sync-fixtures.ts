/** Catalog files, git repositories in temp folders, and a sync service config for sync tests. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SyncConfig } from '../../src/sync/service.js';

export async function tempDir(prefix = 'callsheet-sync-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

export function component(name: string, owner = 'team-a', extra = ''): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: ${owner}
${extra}`;
}

export function syncConfig(overrides: Partial<SyncConfig> & { DATA_DIR: string }): SyncConfig {
  return {
    CATALOG_SOURCES: [],
    TEMPLATE_SOURCES: [],
    CATALOG_ALLOWED_KINDS: [],
    MAX_FILE_BYTES: 1_048_576,
    MAX_DOCUMENTS_PER_FILE: 1000,
    SYNC_INTERVAL: 300_000,
    INSTANCE_ID: 'test-replica',
    ...overrides,
  };
}

/** A git repository with a committer date we choose, so commit times can be asserted. */
export class GitRepo {
  constructor(readonly dir: string) {}

  static async create(branch = 'main'): Promise<GitRepo> {
    const repo = new GitRepo(await tempDir('callsheet-repo-'));
    repo.git('init', '--quiet', '--initial-branch', branch);
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_AUTHOR_DATE: this.date,
        GIT_COMMITTER_DATE: this.date,
      },
    });
  }

  date = '2025-01-01T00:00:00Z';

  async commit(files: Record<string, string>, message: string, date = this.date): Promise<string> {
    this.date = date;
    await writeFiles(this.dir, files);
    this.git('add', '-A');
    this.git('commit', '--quiet', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  remove(path: string, message: string): string {
    this.git('rm', '--quiet', path);
    this.git('commit', '--quiet', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  get url(): string {
    return `file://${this.dir}`;
  }
}

export const BILLION_LAUGHS = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: lol
  annotations:
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
spec: { type: service, lifecycle: production, owner: team-a }
`;
