/**
 * `callsheet sync | head -n 1` as a user types it: the reader goes away after one line while the
 * CLI still has most of its output to write. The CLI must end quietly with its own exit code, not die
 * of an unhandled EPIPE.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/callsheet.js', import.meta.url));

/** Many invalid entities, so the report is far larger than a pipe's buffer (64 KiB). */
function invalidDocuments(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Not Valid Name Number ${i} With Spaces\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`);
  }
  return docs.join('---\n');
}

function shell(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd: root, env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('callsheet sync | head', () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('ends quietly when the reader closes the pipe, with the exit code of the sync', async () => {
    const catalog = await tempDir();
    await writeFiles(catalog, { 'a/catalog-info.yaml': invalidDocuments(900), 'b/catalog-info.yaml': invalidDocuments(900) });
    const env: Record<string, string> = { CATALOG_SOURCES: catalog, TEMPLATE_SOURCES: '', DATA_DIR: await tempDir('callsheet-data-'), LOG_LEVEL: 'warn' };
    // Empty means unset: PGlite under DATA_DIR unless the suite runs on Postgres.
    env.DATABASE_URL = database?.url ?? '';
    // The whole report, to know it is big enough for the pipe to close mid-write.
    const full = await shell(`node ${JSON.stringify(bin)} sync`, env);
    expect(full.code).toBe(0);
    expect(full.stdout.length).toBeGreaterThan(200_000);

    await writeFiles(catalog, { 'c/catalog-info.yaml': invalidDocuments(10) });
    const piped = await shell(`set -o pipefail; node ${JSON.stringify(bin)} sync | head -n 1; echo "exit=\${PIPESTATUS[0]}"`, env);
    expect(piped.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(piped.stdout).toMatch(/^.*: synced.*\nexit=0\n$/);
    // The sync still finished its work: the next run sees the source unchanged.
    const after = await shell(`node ${JSON.stringify(bin)} sync`, env);
    expect(after.stdout).toContain(`${catalog}: unchanged`);
  }, 300_000);
});
