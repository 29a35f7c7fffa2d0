#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm install`'s postinstall, `npm run build`, or the Docker
// image) when it is there and newer than every source file, otherwise the TypeScript sources through
// tsx: loading compiled code is about a second of CPU cheaper at every start, and an edit made after
// the build must never run stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');

/** Whether any .ts file under `dir` changed after `since` (ms). */
function changedSince(dir, since) {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : entry.name.endsWith('.ts') && statSync(path).mtimeMs > since) return true;
  }
  return false;
}

const fresh = existsSync(compiled) && !['src', 'adapters'].some((f) => changedSince(join(root, f), statSync(compiled).mtimeMs));
if (fresh) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
