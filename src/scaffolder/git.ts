/** Runs the `git` program without a shell, never prompting, with a bounded output and time. */
import { execFile } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
}

const BASE_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

export function git(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: options.cwd, env: { ...process.env, ...BASE_ENV, ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]} failed: ${(stderr || error.message).trim()}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
