/**
 * The state behind the fake GitHub: one organisation of repositories, each with a default branch whose
 * head moves on every commit, and the files at that head with the time each was last committed.
 * Other fake features extend this model in their own files: `repo-state.ts` keeps branches, git objects,
 * settings and pull requests per repository.
 */
import { createHash } from 'node:crypto';

export interface FakeFile {
  text: string;
  committedAt: string;
  /** Blob sha, as git computes it. */
  sha: string;
  /** Commit that last touched the file. */
  commit: string;
  /** Exact bytes when written through the git data or contents API (binary files); else `text`. */
  bytes?: Buffer;
  /** Git file mode; `100644` when absent. */
  mode?: string;
}

export interface FakeRepo {
  id: number;
  name: string;
  archived: boolean;
  defaultBranch: string;
  /** Head commit of the default branch; null for an empty repository. */
  head: string | null;
  pushedAt: string | null;
  createdAt: string;
  files: Map<string, FakeFile>;
}

export function blobSha(content: string | Buffer): string {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

export class FakeOrg {
  readonly repos = new Map<string, FakeRepo>();
  private nextId = 1000;
  private tick = 0;
  /** A user account (the token's owner) answers as `User` rather than `Organization`. */
  ownerType: 'Organization' | 'User' = 'Organization';
  /** Fixed base time so generated data is reproducible; every change moves it on by a second. */
  constructor(
    readonly login: string,
    private readonly epoch = Date.parse('2025-01-01T00:00:00Z'),
  ) {}

  /** The fake's clock: every call is one second later. */
  now(): string {
    this.tick++;
    return new Date(this.epoch + this.tick * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  get(name: string): FakeRepo | undefined {
    return this.repos.get(name.toLowerCase());
  }

  mustGet(name: string): FakeRepo {
    const repo = this.get(name);
    if (!repo) throw new Error(`fake GitHub: no repository ${this.login}/${name}`);
    return repo;
  }

  /** Repositories sorted by name, as GitHub lists them with sort=full_name. */
  list(): FakeRepo[] {
    return [...this.repos.values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }

  addRepo(name: string, options: { files?: Record<string, string>; archived?: boolean; defaultBranch?: string } = {}): FakeRepo {
    if (this.get(name)) throw new Error(`fake GitHub: ${name} exists`);
    const at = this.now();
    const repo: FakeRepo = { id: this.nextId++, name, archived: false, defaultBranch: options.defaultBranch ?? 'main', head: null, pushedAt: null, createdAt: at, files: new Map() };
    this.repos.set(name.toLowerCase(), repo);
    if (options.files && Object.keys(options.files).length) this.commit(name, options.files);
    repo.archived = options.archived ?? false;
    return repo;
  }

  /** A commit on the default branch: `null` deletes a file. */
  commit(name: string, changes: Record<string, string | null>): string {
    const repo = this.mustGet(name);
    const at = this.now();
    const oid = createHash('sha1').update(`${repo.name} ${repo.head ?? ''} ${at} ${JSON.stringify(changes)}`).digest('hex');
    for (const [path, text] of Object.entries(changes)) {
      if (text === null) repo.files.delete(path);
      else repo.files.set(path, { text, committedAt: at, sha: blobSha(text), commit: oid });
    }
    repo.head = oid;
    repo.pushedAt = at;
    return oid;
  }

  /** A push to another branch: GitHub moves pushed_at, the default branch stays. */
  pushOtherBranch(name: string): void {
    this.mustGet(name).pushedAt = this.now();
  }

  archive(name: string, archived = true): void {
    this.mustGet(name).archived = archived;
  }

  remove(name: string): void {
    this.repos.delete(name.toLowerCase());
  }

  rename(from: string, to: string): void {
    const repo = this.mustGet(from);
    this.repos.delete(from.toLowerCase());
    repo.name = to;
    this.repos.set(to.toLowerCase(), repo);
  }
}
