/**
 * A bare Git repository in a replica's own repository folder (DATA_DIR/repos, where publish:git
 * puts its repositories, so catalog:register accepts its `file://` URL) whose reads the test can
 * hold back. catalog:register refuses loopback HTTP remotes (issue 13), so a scaffolder step cannot
 * be held on the slow HTTP remote; instead the repository's `objects/info/alternates` is a named
 * pipe: git's upload-pack opens it before serving any object and blocks there until the test lets
 * it go, so the step is provably mid-clone. Releasing puts an empty regular file in its place
 * (no alternates, a valid repository) and wakes the waiting reader with end-of-file.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface HeldRepo {
  /** `file://` URL of the bare repository. */
  url: string;
  /** Whether a git process has been seen waiting on the repository (a clone in progress). */
  reading(): boolean;
  release(): void;
  close(): void;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'faults', GIT_AUTHOR_EMAIL: 'faults@example.com', GIT_COMMITTER_NAME: 'faults', GIT_COMMITTER_EMAIL: 'faults@example.com' } });

/** A held repository holding `files` (path -> content) at `<dataDir>/repos/<name>.git`. */
export function createHeldRepo(dataDir: string, name: string, files: Record<string, string>): HeldRepo {
  const work = mkdtempSync(join(tmpdir(), 'callsheet-faults-held-'));
  git(work, 'init', '--quiet', '--initial-branch', 'main');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'catalog');
  const bare = join(dataDir, 'repos', `${name}.git`);
  mkdirSync(dirname(bare), { recursive: true });
  execFileSync('git', ['clone', '--quiet', '--bare', work, bare]);
  const pipe = join(bare, 'objects', 'info', 'alternates');
  execFileSync('mkfifo', [pipe]);

  let writer: number | undefined;
  let released = false;
  let seen = false;
  const release = () => {
    if (released) return;
    released = true;
    const plain = `${pipe}.plain`;
    writeFileSync(plain, '');
    renameSync(plain, pipe);
    // Readers already inside the pipe get end-of-file (no alternates) once its last writer closes.
    if (writer !== undefined) closeSync(writer);
    writer = undefined;
  };
  return {
    url: pathToFileURL(bare).href,
    reading: () => {
      if (seen || released) return seen;
      try {
        // Succeeds only while a reader waits in open(); keeping it open keeps that reader waiting.
        writer = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
        seen = true;
        return true;
      } catch {
        return false;
      }
    },
    release,
    close: release,
  };
}
