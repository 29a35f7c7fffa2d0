/**
 * A Git remote over HTTP (Git's "dumb" protocol: the bare repository's files served as they are)
 * whose answers the test can hold back, so that a sync or a scaffolder step is provably in the
 * middle of its work (holding its lease or its task) when the fault lands.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';

export interface SlowGitRemote {
  /** Clone URL of the repository (`http://127.0.0.1:<port>/catalog.git`). */
  url: string;
  /** Requests seen so far (a clone in progress has made at least one). */
  requests(): number;
  /** Holds every answer until release(). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'faults', GIT_AUTHOR_EMAIL: 'faults@example.com', GIT_COMMITTER_NAME: 'faults', GIT_COMMITTER_EMAIL: 'faults@example.com' } });

/** A repository holding `files` (path -> content), served over HTTP; answers held from the start when `held`. */
export async function startSlowGitRemote(files: Record<string, string>, options: { held?: boolean } = {}): Promise<SlowGitRemote> {
  const work = mkdtempSync(join(tmpdir(), 'callsheet-faults-git-'));
  git(work, 'init', '--quiet', '--initial-branch', 'main');
  for (const [path, content] of Object.entries(files)) {
    execFileSync('mkdir', ['-p', join(work, path, '..')]);
    writeFileSync(join(work, path), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'catalog');
  const bare = `${work}.git`;
  execFileSync('git', ['clone', '--quiet', '--bare', work, bare]);
  git(bare, 'update-server-info');

  let held = options.held ?? false;
  let waiting: Array<() => void> = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const answer = () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/catalog\.git/, '');
      const file = join(bare, path);
      try {
        if (!file.startsWith(bare) || !statSync(file).isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    };
    if (held) waiting.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/catalog.git`,
    requests: () => count,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      const go = waiting;
      waiting = [];
      for (const answer of go) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        held = false;
        for (const answer of waiting) answer();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
