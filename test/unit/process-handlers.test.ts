import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('../fixtures/process/handlers-child.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child, ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('serve process handlers', () => {
  it('log an unhandled rejection and keep the process running (Node would exit)', async () => {
    const out = await run([]);
    expect(out.stdout).toMatch(/"level":50.*unhandled rejection.*still serving/);
    expect(out.stdout).toContain('nobody catches me');
    expect(out.stdout).toContain('still alive');
    expect(out.code).toBe(0);
  });

  it('log an uncaught exception, stop gracefully and exit 1', async () => {
    const out = await run(['throw']);
    expect(out.stdout).toMatch(/"level":60.*uncaught exception/);
    expect(out.stdout).toContain('graceful stop');
    expect(out.code).toBe(1);
  });
});
