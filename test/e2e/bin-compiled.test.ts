/**
 * bin/callsheet.js runs dist/ (made at install) only while it is newer than every source file, and
 * the TypeScript sources through tsx otherwise, so an edit after the build never runs stale code.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'callsheet-bin-'));

describe('bin/callsheet.js picks compiled code only while it is fresh', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  cpSync(join(repo, 'bin', 'callsheet.js'), join(root, 'bin', 'callsheet.js'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'adapters', 'x'), { recursive: true });
  mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
  writeFileSync(join(root, 'adapters', 'x', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'dist', 'src', 'cli', 'main.js'), "console.log('compiled');\n");
  const run = () => execFileSync(process.execPath, [join(root, 'bin', 'callsheet.js')], { encoding: 'utf8' }).trim();
  const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);

  it('runs dist/ when it is newer than every .ts file', () => {
    at('src/cli/main.ts', 1_000_000);
    at('adapters/x/a.ts', 1_000_000);
    at('dist/src/cli/main.js', 2_000_000);
    expect(run()).toBe('compiled');
  });

  it('runs the sources when any .ts file, in src/ or adapters/, is newer', () => {
    at('adapters/x/a.ts', 3_000_000);
    expect(run()).toBe('sources');
    at('adapters/x/a.ts', 1_000_000);
    at('src/cli/main.ts', 3_000_000);
    expect(run()).toBe('sources');
  });

  it('runs the sources when there is no dist/', () => {
    rmSync(join(root, 'dist'), { recursive: true });
    expect(run()).toBe('sources');
  });
});
