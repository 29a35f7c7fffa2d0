/**
 * postgres.js 3.4.9 crashed the process when a backend was terminated under in-flight work (a
 * transaction's own ROLLBACK written to the closed socket from a setImmediate: `TypeError: Cannot
 * read properties of null (reading 'write')` in nextWrite), and its end() then waited forever.
 * patches/postgres+3.4.9.patch fixes both; each scenario runs in a child process so that a crash
 * is a failed test, not a dead test runner.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/db.js';
import { faultSkipReason, projectRoot } from './harness/index.js';

const script = fileURLToPath(new URL('./fixtures/driver-terminate.mjs', import.meta.url));
const skip = faultSkipReason();
if (skip) console.log(skip);

function runScenario(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, name, testDatabaseUrl()!], { cwd: projectRoot, timeout: 40_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

describe.skipIf(skip)('postgres.js under pg_terminate_backend', () => {
  it.each([
    ['transaction', /outcome (CONNECTION_CLOSED|ECONNRESET|57P01)/],
    ['copy', /outcome (CONNECTION_CLOSED|ECONNRESET|EPIPE|57P01)/],
    ['reserved', /outcome (CONNECTION_CLOSED|ECONNRESET|57P01)\/CONNECTION_(CLOSED|DESTROYED)/],
    ['query', /outcome (CONNECTION_CLOSED|ECONNRESET|57P01)/],
  ])('%s in flight: rejected, the process lives on, the pool recovers and ends', async (name, outcome) => {
    const run = await runScenario(name);
    expect(run.stderr).not.toMatch(/TypeError|Unhandled|uncaught/i);
    expect(run.stdout).toMatch(outcome);
    expect(run.stdout).toContain('pool still answers 1');
    expect(run.stdout).toContain('ended');
    expect(run.code).toBe(0);
  });
});
