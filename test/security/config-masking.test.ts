/**
 * `callsheet config` prints the effective configuration for people to read and paste into tickets:
 * credentials embedded in URLs (a Git source `https://oauth2:ghp_…@host/r.git`) must not be in it
 * (issue 13). Runs the real CLI as a process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedConfig } from '../../src/config/index.js';

const root = new URL('../..', import.meta.url).pathname;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callsheet-config-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function callsheet(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|TEST_DATABASE_URL|GITHUB_|SLACK_|MICROSOFT_|API_)/.test(k)));
    execFile(process.execPath, ['bin/callsheet.js', ...args], { cwd: root, env: { ...clean, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('callsheet config', () => {
  it('masks credentials embedded in URLs and every token, keeping what helps debugging', async () => {
    const ghp = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const { code, stdout } = await callsheet(['config'], {
      DATA_DIR: dataDir,
      CATALOG_SOURCES: `https://oauth2:${ghp}@git.example.com/acme/catalog.git#main,./catalog,ssh://deploy@git.example.com/acme/x.git`,
      TEMPLATE_SOURCES: `https://x-access-token:${ghp}@github.com/acme/templates.git`,
      TEAMS_OPENID_METADATA_URL: 'https://user:hunter2hunter2@login.example.com/openid',
      API_TOKENS: 'ci:ci-secret-0123456789abcdef',
    });
    expect(code).toBe(0);
    expect(stdout).not.toContain(ghp);
    expect(stdout).not.toContain('hunter2hunter2');
    expect(stdout).not.toContain('ci-secret-0123456789abcdef');
    expect(stdout).toMatch(/CATALOG_SOURCES\s+https:\/\/\*{8}@git\.example\.com\/acme\/catalog\.git#main,\.\/catalog,ssh:\/\/\*{8}@git\.example\.com\/acme\/x\.git/);
    expect(stdout).toMatch(/TEMPLATE_SOURCES\s+https:\/\/\*{8}@github\.com\/acme\/templates\.git/);
    expect(stdout).toMatch(/API_TOKENS\s+\*{8}/);
  });

  it('never prints the user-info part of any URL value (property)', () => {
    const secret = fc.string({ minLength: 6, maxLength: 30, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-.~%!$&*+=;:') });
    fc.assert(
      fc.property(secret, fc.constantFrom('https', 'http', 'ssh', 'git+ssh'), fc.domain(), (userinfo, scheme, host) => {
        const value = `${scheme}://${userinfo}@${host}/org/repo.git`;
        const masked = maskedConfig({ CATALOG_SOURCES: [value], SOME_URL: value });
        for (const v of [(masked.CATALOG_SOURCES as string[])[0], masked.SOME_URL as string]) {
          expect(v).toBe(`${scheme}://********@${host}/org/repo.git`);
        }
      }),
    );
  });
});
