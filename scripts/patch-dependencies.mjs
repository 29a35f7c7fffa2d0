#!/usr/bin/env node
/**
 * Applies the unified diffs in patches/ to the installed packages: `npm ci` and `npm install` run it
 * as the root project's postinstall. A patch is named `<package>+<version>.patch` (scoped packages:
 * `@scope+name+<version>.patch`) with paths relative to the package folder (`a/src/x.js`).
 *
 * Why not patch-package or the `patch` program: neither is guaranteed on a fresh machine or in the
 * Docker build stage, and hunks are applied here by their exact text (not line numbers), so the
 * script is idempotent (an applied hunk is recognised and skipped) and refuses a patch that no
 * longer matches: when the package is upgraded, the install fails loudly instead of silently
 * running the unpatched driver. Then check whether upstream fixed it, and drop or redo the patch.
 *
 * `node scripts/patch-dependencies.mjs --check` only reports whether every patch is applied.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const patchesDir = join(root, 'patches');
const checkOnly = process.argv.includes('--check');

/** Splits a unified diff into files, each with hunks of old and new text. */
export function parsePatch(text) {
  const files = [];
  let file;
  let hunk;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = { path: line.slice(4).trim().replace(/^b\//, ''), hunks: [] };
      files.push(file);
      hunk = undefined;
    } else if (line.startsWith('--- ') || line.startsWith('diff ')) {
      hunk = undefined;
    } else if (line.startsWith('@@')) {
      if (!file) throw new Error('hunk before any file header');
      hunk = { old: [], new: [] };
      file.hunks.push(hunk);
    } else if (hunk) {
      const tag = line[0];
      const body = line.slice(1);
      if (tag === ' ' || line === '') {
        hunk.old.push(body);
        hunk.new.push(body);
      } else if (tag === '-') hunk.old.push(body);
      else if (tag === '+') hunk.new.push(body);
      // "\ No newline at end of file" and anything else carries no content.
    }
  }
  for (const f of files) for (const h of f.hunks) while (h.old.at(-1) === '' && h.new.at(-1) === '') (h.old.pop(), h.new.pop());
  return files;
}

const count = (haystack, needle) => haystack.split(needle).length - 1;

function applyFile(path, hunks) {
  let text = readFileSync(path, 'utf8');
  let changed = 0;
  for (const [i, h] of hunks.entries()) {
    const oldText = `${h.old.join('\n')}\n`;
    const newText = `${h.new.join('\n')}\n`;
    if (count(text, newText) === 1 && count(text, oldText) === 0) continue; // already applied
    if (count(text, oldText) !== 1) throw new Error(`${path}: hunk ${i + 1} does not match the installed file`);
    text = text.replace(oldText, () => newText);
    changed++;
  }
  if (changed && !checkOnly) writeFileSync(path, text);
  return changed;
}

function packageOf(patchName) {
  const base = patchName.replace(/\.patch$/, '');
  const at = base.lastIndexOf('+');
  return { name: base.slice(0, at).replace('+', '/'), version: base.slice(at + 1) };
}

let pending = 0;
for (const patchName of existsSync(patchesDir) ? readdirSync(patchesDir).filter((f) => f.endsWith('.patch')).sort() : []) {
  const { name, version } = packageOf(patchName);
  const dir = join(root, 'node_modules', name);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    console.log(`patch-dependencies: ${name} is not installed; ${patchName} skipped`);
    continue;
  }
  const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
  if (installed !== version) {
    console.error(`patch-dependencies: ${patchName} is for ${name} ${version} but ${installed} is installed; see that patch's header and redo or drop it`);
    process.exit(1);
  }
  let changed = 0;
  try {
    for (const file of parsePatch(readFileSync(join(patchesDir, patchName), 'utf8'))) changed += applyFile(join(dir, file.path), file.hunks);
  } catch (error) {
    console.error(`patch-dependencies: ${patchName}: ${error.message}`);
    process.exit(1);
  }
  pending += changed;
  console.log(`patch-dependencies: ${name}@${version} ${changed ? (checkOnly ? `${changed} hunk(s) NOT applied` : `${changed} hunk(s) applied`) : 'already patched'}`);
}
if (checkOnly && pending) process.exit(1);
