/**
 * The contract between sources (folder, git remote, GitHub organisation) and the reader that turns
 * their files into entities. A source hands out one or more trees; the reader walks each tree from
 * its entry points, following Location entities and `$text`/`$json`/`$yaml` placeholders inside it.
 */

export interface FileLocation {
  /** Backstage location type and target, e.g. `url` + `https://github.com/o/r/blob/main/x.yaml` or `file` + an absolute path. */
  type: 'url' | 'file';
  target: string;
  /** Browsable and editable URLs of the file, when the source has them. */
  viewUrl?: string;
  editUrl?: string;
  /** `url:` location of the directory holding the file (Backstage's source-location annotation). */
  sourceLocation?: string;
}

export interface Tree {
  /** Name of the tree within its source ('' for single-tree sources, `org/repo` for organisations). */
  name: string;
  /** Files to read first, relative to the tree root, posix separators. */
  entryPoints(): Promise<string[]>;
  /**
   * True when the entry points come from scanning every YAML file: then an entry point that holds
   * no catalog entity (a CI workflow, a Helm chart) is skipped silently instead of reported.
   */
  scanned?: boolean;
  /**
   * Whether a full read of the tree reads the file as an entry point of its own. An incremental
   * tree lists only the files in scope; without this, the listed entry points are the answer.
   */
  isEntryPoint?(path: string): boolean;
  /** File text, or undefined when it does not exist. Throws when it exists but cannot be read. */
  read(path: string): Promise<string | undefined>;
  /** Every file path of the tree (posix, tree-relative), for glob targets; absent when the tree cannot be searched. */
  list?(): Promise<string[]>;
  /** Size in bytes without reading (for the size bound); undefined when unknown. */
  size?(path: string): Promise<number | undefined>;
  locationOf(path: string): FileLocation;
  /** When the file was last committed (Git-backed trees). */
  committedAt(path: string): Date | undefined;
}

export interface Snapshot {
  /** Commit sha or content digest; the same revision as last time means nothing to do. */
  revision: string;
  trees: Tree[];
  /** Files (tree-prefixed paths) whose entities must be kept as they are, e.g. repositories known unchanged. */
  preserve?: (filePath: string) => boolean;
  /**
   * When set, the only files (tree-prefixed) whose entities can change: the entry points plus
   * deleted files. `preserve` must hold for every other file. Lets an incremental sync look at the
   * stored rows of these files instead of at everything the source holds.
   */
  onlyFiles?: string[];
  /** Source-specific state to keep for the next sync (e.g. ETags). */
  state?: Record<string, unknown>;
  /**
   * Called once every tree has been read, inside the write transaction: throws when what was read
   * is no complete listing of the source (the folder moved, a listed file vanished or could not be
   * read), and then nothing this run wrote is kept.
   */
  verify?(): Promise<void>;
  /** Releases what the trees hold open (e.g. a `git cat-file` process); called once reading is done. */
  close?(): Promise<void>;
}

/**
 * Key the sync service adds to a source's stored state: file -> files its placeholders read
 * (tree-prefixed). Incremental drivers re-read a file when something it includes changed.
 */
export const INCLUDES_STATE_KEY = 'includes';

export interface SourceDriver {
  /** Stable id: the configured source string, normalised. */
  id: string;
  kind: 'folder' | 'git' | 'github' | 'gitlab' | 'gitlab-org' | 'backstage';
  target: string;
  /**
   * Returns null when the source is unchanged since `lastRevision` and `scope.reread` is empty. With
   * `scope.trees`, only those trees are read (e.g. the one repository a webhook named) and `preserve`
   * keeps everything else. `scope.reread` names (tree-prefixed) files that changed outside the
   * source, e.g. a URL target whose ETag moved: they and the files linked to them are read again.
   */
  snapshot(
    lastRevision: string | null,
    state: Record<string, unknown> | null,
    scope?: { trees?: string[]; reread?: string[] },
  ): Promise<Snapshot | null>;
}

export interface Problem {
  filePath: string;
  line?: number;
  entityRef?: string;
  message: string;
}
