/**
 * The suite fails on any unhandled rejection, even in a test that passed: vitest reports it as an
 * error and exits non-zero unless `dangerouslyIgnoreUnhandledErrors` is set, which
 * vitest.config.ts pins to false. Checked here by running the project's config on a leaking test.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('a leaked rejection fails the run', async () => {
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/fixtures/process/vitest.leak.config.ts'],
      { cwd: root, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  expect(result.output).toContain('leaked from a test');
  expect(result.output).toMatch(/Unhandled/);
  expect(result.code).not.toBe(0);
});
