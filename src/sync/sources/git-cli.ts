/**
 * The `git` program, run without a shell and without prompts (a missing credential fails fast
 * instead of hanging a sync), plus one long-lived `git cat-file --batch` to read many blobs cheaply.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', GCM_INTERACTIVE: 'never', LC_ALL: 'C' };

export class GitError extends Error {}

/** Removes `user:password@` from URLs in git output, so a token never reaches a log or a problem. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

export function git(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      { cwd: opts.cwd, env: GIT_ENV, maxBuffer: 512 * 1024 * 1024, timeout: opts.timeoutMs ?? 300_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new GitError(redactUrl(`git ${args[0]} failed: ${(stderr || error.message).trim()}`)));
        else resolvePromise(stdout);
      },
    );
  });
}

/** Reads blobs by object id through one `git cat-file --batch` process. */
export class BlobReader {
  private proc: ChildProcessWithoutNullStreams;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }[] = [];
  private failed?: Error;
  private requests: string[] = [];

  constructor(cwd: string) {
    this.proc = spawn('git', ['cat-file', '--batch'], { cwd, env: GIT_ENV });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    this.proc.stderr.resume();
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.proc.on('error', fail);
    this.proc.on('exit', () => fail(new GitError('git cat-file exited')));
  }

  read(objectId: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // Requests made before the event loop turns go out in one write: one pipe write per blob
      // cost more than reading the blob.
      if (!this.requests.length) setImmediate(() => this.proc.stdin.write(this.requests.splice(0).join('')));
      this.requests.push(`${objectId}\n`);
    });
  }

  private drain() {
    for (;;) {
      const eol = this.buffer.indexOf(10);
      if (eol < 0 || !this.waiting.length) return;
      const header = this.buffer.subarray(0, eol).toString('utf8');
      if (header.endsWith(' missing')) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buffer.length < eol + 1 + size + 1) return;
      const body = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.waiting.shift()!.resolve(body);
    }
  }

  close() {
    this.proc.removeAllListeners('exit');
    this.proc.stdin.end();
  }
}
