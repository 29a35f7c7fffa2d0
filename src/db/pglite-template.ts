/**
 * A ready-made embedded database for a fresh DATA_DIR. PGlite's initdb runs Postgres's bootstrap in
 * WebAssembly: 10-15 s of CPU and ~800 MB of resident memory (a second Postgres instance hosts it),
 * which was most of `npm start`'s first impression. `npm install` (postinstall,
 * scripts/prepare-pglite.ts) makes one initialised, migrated data folder per PGlite version; opening a
 * fresh DATA_DIR copies it (a plain file copy, tens of milliseconds) and the migrator then applies only
 * what is newer. Without a template (install scripts skipped, PGlite upgraded) initdb runs as before.
 */
import { constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The installed PGlite's version: a data folder is only reused by the Postgres build that made it. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  // dist/index.cjs -> the package folder
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Where the template lives: PGLITE_TEMPLATE_DIR, else next to the installed packages
 * (node_modules/.cache, where tools keep what an install derived), named for the PGlite version.
 * An empty PGLITE_TEMPLATE_DIR turns templates off.
 */
export function pgliteTemplateDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PGLITE_TEMPLATE_DIR !== undefined) return env.PGLITE_TEMPLATE_DIR.trim() || undefined;
  return join(root, 'node_modules', '.cache', 'callsheet', `pglite-${pgliteVersion()}`);
}

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Copies the template into `dataDir` when that folder holds nothing yet; true when it did. */
export function seedFromTemplate(dataDir: string, template = pgliteTemplateDir()): boolean {
  if (!template || !isCluster(template)) return false;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  mkdirSync(dataDir, { recursive: true });
  // A copy-on-write clone where the file system offers one (the template must never change).
  cpSync(template, dataDir, { recursive: true, mode: constants.COPYFILE_FICLONE });
  return true;
}

/**
 * Makes the template with `build` (which initialises and migrates the folder it is given, then
 * closes it) in a sibling folder and renames it into place, so a reader never sees half a template
 * and two installs at once leave one whole one.
 */
export async function writeTemplate(template: string, build: (dir: string) => Promise<void>): Promise<'written' | 'present'> {
  if (isCluster(template)) return 'present';
  const partial = `${template}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(template), { recursive: true });
  try {
    await build(partial);
    if (isCluster(template)) return 'present';
    rmSync(template, { recursive: true, force: true });
    renameSync(partial, template);
    return 'written';
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
