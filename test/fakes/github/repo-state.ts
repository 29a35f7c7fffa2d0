/**
 * What the fake keeps per repository beyond `FakeRepo`: settings (description, visibility, topics), git
 * objects written through the git data API, branches other than the default one, and pull requests.
 * The default branch stays in `FakeRepo.head`/`files` so the org sync (GraphQL, contents) reads what was
 * published or merged. Hashes are computed as git does, so shas look and behave like GitHub's.
 */
import { createHash } from 'node:crypto';
import { blobSha, type FakeFile, type FakeRepo } from './model.js';

export type Visibility = 'public' | 'private' | 'internal';

export interface TreeEntry {
  mode: string;
  sha: string;
  bytes: Buffer;
}

/** A tree as a flat map of file paths (git's nested trees are derived when hashing). */
export type FlatTree = Map<string, TreeEntry>;

export interface Person {
  name: string;
  email: string;
  date: string;
}

export interface FakeCommitObject {
  sha: string;
  treeSha: string;
  parents: string[];
  message: string;
  author: Person;
  committer: Person;
  files: Map<string, FakeFile>;
}

export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  user: string;
  createdAt: string;
}

export interface RepoState {
  description: string | null;
  visibility: Visibility;
  topics: string[];
  blobs: Map<string, Buffer>;
  trees: Map<string, FlatTree>;
  commits: Map<string, FakeCommitObject>;
  /** Branches other than the default one: name -> commit sha. */
  branches: Map<string, string>;
  pulls: FakePull[];
}

const states = new WeakMap<FakeRepo, RepoState>();

/** The extra state of a repository; repositories made with `FakeOrg.addRepo` get defaults on first use. */
export function stateOf(repo: FakeRepo): RepoState {
  let state = states.get(repo);
  if (!state) {
    state = { description: null, visibility: 'public', topics: [], blobs: new Map(), trees: new Map(), commits: new Map(), branches: new Map(), pulls: [] };
    states.set(repo, state);
  }
  return state;
}

const sha1 = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

export interface RootEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

/** Git's tree hash of a flat tree, with the root's own entries (files and subfolders). */
export function hashTree(files: Iterable<[string, { mode: string; sha: string; bytes?: Buffer }]>): { sha: string; root: RootEntry[] } {
  const items: (RootEntry & { name: string })[] = [];
  const dirs = new Map<string, [string, { mode: string; sha: string; bytes?: Buffer }][]>();
  for (const [path, entry] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) items.push({ name: path, path, mode: entry.mode, type: 'blob', sha: entry.sha, size: entry.bytes?.length });
    else {
      const dir = path.slice(0, slash);
      if (!dirs.has(dir)) dirs.set(dir, []);
      dirs.get(dir)!.push([path.slice(slash + 1), entry]);
    }
  }
  for (const [dir, sub] of dirs) items.push({ name: dir, path: dir, mode: '040000', type: 'tree', sha: hashTree(sub).sha });
  const key = (i: { name: string; type: string }) => Buffer.from(i.type === 'tree' ? `${i.name}/` : i.name);
  items.sort((a, b) => Buffer.compare(key(a), key(b)));
  const body = Buffer.concat(items.flatMap((i) => [Buffer.from(`${i.type === 'tree' ? '40000' : i.mode} ${i.name}\0`), Buffer.from(i.sha, 'hex')]));
  return { sha: sha1(`tree ${body.length}\0`, body), root: items.map(({ name: _name, ...rest }) => rest) };
}

export function bytesOf(file: FakeFile): Buffer {
  return file.bytes ?? Buffer.from(file.text, 'utf8');
}

export function flatTreeOf(files: Map<string, FakeFile>): FlatTree {
  return new Map([...files].map(([path, f]) => [path, { mode: f.mode ?? '100644', sha: f.sha, bytes: bytesOf(f) }]));
}

/** The commit object for a sha; the default head made by `FakeOrg.commit` is recorded on first use. */
export function commitObject(repo: FakeRepo, sha: string): FakeCommitObject | undefined {
  const state = stateOf(repo);
  const known = state.commits.get(sha);
  if (known) return known;
  if (sha !== repo.head) return undefined;
  const who: Person = { name: 'Dev', email: 'dev@example.com', date: repo.pushedAt ?? repo.createdAt };
  const commit: FakeCommitObject = { sha, treeSha: hashTree(flatTreeOf(repo.files)).sha, parents: [], message: 'change', author: who, committer: who, files: new Map(repo.files) };
  state.commits.set(sha, commit);
  return commit;
}

export function branchHead(repo: FakeRepo, branch: string): string | null {
  return branch === repo.defaultBranch ? repo.head : stateOf(repo).branches.get(branch) ?? null;
}

export function branchNames(repo: FakeRepo): string[] {
  return [...(repo.head ? [repo.defaultBranch] : []), ...stateOf(repo).branches.keys()].sort();
}

/** Files at a branch name or commit sha; no ref means the default branch. */
export function filesAt(repo: FakeRepo, ref: string | null): Map<string, FakeFile> | undefined {
  if (ref === null || ref === repo.defaultBranch || ref === repo.head) return repo.head ? repo.files : undefined;
  const sha = stateOf(repo).branches.get(ref) ?? ref;
  return commitObject(repo, sha)?.files;
}

/** Points a branch at a commit; moving the default branch updates what the org sync reads. */
export function moveBranch(repo: FakeRepo, branch: string, sha: string, at: string): void {
  const commit = commitObject(repo, sha);
  if (!commit) throw new Error(`fake GitHub: no commit ${sha}`);
  if (branch === repo.defaultBranch) {
    repo.head = sha;
    repo.files.clear();
    for (const [path, file] of commit.files) repo.files.set(path, file);
  } else stateOf(repo).branches.set(branch, sha);
  repo.pushedAt = at;
}

export function deleteBranch(repo: FakeRepo, branch: string): void {
  stateOf(repo).branches.delete(branch);
}

/** Makes an existing branch the default one, keeping the old default as an ordinary branch. */
export function setDefaultBranch(repo: FakeRepo, branch: string): void {
  if (branch === repo.defaultBranch) return;
  const state = stateOf(repo);
  if (!repo.head) {
    repo.defaultBranch = branch;
    return;
  }
  const target = state.branches.get(branch);
  if (!target) throw new Error(`fake GitHub: no branch ${branch}`);
  commitObject(repo, repo.head);
  state.branches.set(repo.defaultBranch, repo.head);
  state.branches.delete(branch);
  repo.defaultBranch = branch;
  const commit = commitObject(repo, target)!;
  repo.head = target;
  repo.files.clear();
  for (const [path, file] of commit.files) repo.files.set(path, file);
}

/** A blob's bytes by sha: written through the API, or any file of a known commit. */
export function findBlob(repo: FakeRepo, sha: string): Buffer | undefined {
  const state = stateOf(repo);
  const stored = state.blobs.get(sha);
  if (stored) return stored;
  for (const files of [repo.files, ...[...state.commits.values()].map((c) => c.files)]) {
    for (const file of files.values()) if (file.sha === sha) return bytesOf(file);
  }
  return undefined;
}

function signature(p: Person): string {
  return `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
}

/** Records a commit of a flat tree; files unchanged from the first parent keep their last-commit data. */
export function writeCommit(repo: FakeRepo, input: { tree: FlatTree; parents: string[]; message: string; author: Person; committer: Person }): FakeCommitObject {
  const state = stateOf(repo);
  const treeSha = hashTree(input.tree).sha;
  state.trees.set(treeSha, input.tree);
  const header = [`tree ${treeSha}`, ...input.parents.map((p) => `parent ${p}`), `author ${signature(input.author)}`, `committer ${signature(input.committer)}`].join('\n');
  const text = `${header}\n\n${input.message}`;
  const sha = sha1(`commit ${Buffer.byteLength(text)}\0`, text);
  const before = input.parents.length ? commitObject(repo, input.parents[0])?.files : undefined;
  const files = new Map<string, FakeFile>();
  for (const [path, entry] of input.tree) {
    const old = before?.get(path);
    if (old && old.sha === entry.sha && (old.mode ?? '100644') === entry.mode) files.set(path, old);
    else files.set(path, { text: entry.bytes.toString('utf8'), bytes: entry.bytes, mode: entry.mode, sha: entry.sha, committedAt: input.committer.date, commit: sha });
  }
  const commit: FakeCommitObject = { sha, treeSha, parents: input.parents, message: input.message, author: input.author, committer: input.committer, files };
  state.commits.set(sha, commit);
  return commit;
}

/** A flat tree entry for content given as bytes (the blob is stored too). */
export function entryFor(repo: FakeRepo, bytes: Buffer, mode = '100644'): TreeEntry {
  const sha = blobSha(bytes);
  stateOf(repo).blobs.set(sha, bytes);
  return { mode, sha, bytes };
}

/** The tree of a commit as a flat map, whether written through the API or made by `FakeOrg.commit`. */
export function treeOf(repo: FakeRepo, treeSha: string): FlatTree | undefined {
  const state = stateOf(repo);
  const stored = state.trees.get(treeSha);
  if (stored) return stored;
  for (const sha of [repo.head, ...state.commits.keys()]) {
    const commit = sha ? commitObject(repo, sha) : undefined;
    if (commit?.treeSha === treeSha) {
      const tree = flatTreeOf(commit.files);
      state.trees.set(treeSha, tree);
      return tree;
    }
  }
  return undefined;
}
