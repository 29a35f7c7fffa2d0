#!/usr/bin/env node
/**
 * postinstall: compiles src/ and adapters/ to dist/ (the layout `npm run build` makes with tsc), so
 * `npm start` on a fresh clone runs compiled JavaScript instead of compiling TypeScript through tsx
 * at every start (about a second of CPU and 40 MB more memory). esbuild only strips types, one file
 * at a time (about a second for the whole tree); type checking stays `npm run typecheck`'s job and
 * the Docker image still compiles with tsc. bin/callsheet.js uses dist/ only while it is newer than
 * every source file, so an edit after install never runs stale code.
 *
 * Best effort: an install never fails because of it. Skipped where the sources are not there yet (the
 * Docker build stage installs before copying them) or esbuild is not installed (--omit=dev).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders = ['src', 'adapters'].map((f) => join(root, f));
if (!existsSync(join(root, 'src', 'cli', 'main.ts'))) process.exit(0);

function filesIn(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesIn(path, out);
    else out.push(path);
  }
  return out;
}

try {
  const started = Date.now();
  const { build } = await import('esbuild');
  const files = folders.filter(existsSync).flatMap((f) => filesIn(f));
  const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const outdir = join(root, 'dist');
  await build({ entryPoints: sources, outdir, outbase: root, format: 'esm', platform: 'node', target: 'node22', sourcemap: true, bundle: false, logLevel: 'warning' });
  // JSON the code imports (`with { type: 'json' }`), as tsc's resolveJsonModule copies it.
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const target = join(outdir, relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  console.log(`compiled ${sources.length} files to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (npm start runs them)`);
} catch (error) {
  console.warn(`dist/ not built (npm start will compile the TypeScript sources as it loads them): ${error instanceof Error ? error.message : error}`);
}
