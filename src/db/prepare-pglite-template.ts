/**
 * Makes the embedded database template (see pglite-template.ts): initdb and every migration, once
 * per installed PGlite version. Run by `npm install` (scripts/prepare-pglite.mjs) and by
 * bench/start.ts; prints one line saying what it did.
 */
import { openDatabase } from './client.js';
import { pgliteTemplateDir, writeTemplate } from './pglite-template.js';

export async function preparePgliteTemplate(template = pgliteTemplateDir()): Promise<string> {
  if (!template) return 'embedded database template: off (PGLITE_TEMPLATE_DIR is empty)';
  const started = performance.now();
  const outcome = await writeTemplate(template, async (dir) => {
    const database = await openDatabase({ dataDir: dir, pgliteTemplate: false });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
  });
  return outcome === 'present'
    ? `embedded database template: already in ${template}`
    : `embedded database template: made ${template} in ${((performance.now() - started) / 1000).toFixed(1)} s (a fresh DATA_DIR starts from it)`;
}
