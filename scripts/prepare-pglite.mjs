#!/usr/bin/env node
/**
 * postinstall: prepares the embedded database template (src/db/prepare-pglite-template.ts), so that
 * `npm start` on a fresh clone does not spend its first 10-15 s of CPU in PGlite's initdb. Best
 * effort: an install never fails because of it (without a template, the first start runs initdb).
 * Skipped where the sources are not there yet (the Docker build stage installs before copying them)
 * or when PGLITE_TEMPLATE_DIR is set empty.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'db', 'prepare-pglite-template.ts');
const compiled = join(root, 'dist', 'src', 'db', 'prepare-pglite-template.js');
if (process.env.PGLITE_TEMPLATE_DIR === '' || !existsSync(join(root, 'migrations'))) process.exit(0);
try {
  let entry = compiled;
  if (!existsSync(compiled)) {
    if (!existsSync(source)) process.exit(0);
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  }
  const { preparePgliteTemplate } = await import(pathToFileURL(entry).href);
  console.log(await preparePgliteTemplate());
} catch (error) {
  console.warn(`embedded database template not made (the first start will initialise the database): ${error instanceof Error ? error.message : error}`);
}
