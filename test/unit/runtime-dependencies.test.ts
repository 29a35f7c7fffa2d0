/**
 * Issue 18: the image installs only `dependencies` (npm ci --omit=dev), so every package the
 * running code imports must be one. `minimatch` was imported by src/sync yet reached only as a dev
 * dependency's, and the image failed at start-up with "Cannot find package 'minimatch'".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

it('every package the running code imports (values, not types) is a production dependency', () => {
  const missing = new Set<string>();
  for (const file of [...files(join(root, 'src')), ...files(join(root, 'adapters'))]) {
    const text = readFileSync(file, 'utf8');
    // Type-only imports vanish when compiled; value imports and dynamic imports stay.
    const specs = [...text.matchAll(/^import (?!type )[^;]*?from '([^'.][^']*)'/gms), ...text.matchAll(/import\('([^'.][^']*)'\)/g)].map((m) => m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!(name in pkg.dependencies)) missing.add(`${name} (${file.slice(root.length + 1)})`);
    }
  }
  expect([...missing]).toEqual([]);
});
