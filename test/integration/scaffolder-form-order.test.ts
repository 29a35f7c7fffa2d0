import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForm } from '../../src/scaffolder/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addShippedTemplates, templatesDir } from '../helpers/scaffolder.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await addShippedTemplates(database.db);
});
afterAll(async () => database.close());

describe('forms of stored templates', () => {
  it("keep the order of the template's properties, although the catalog stores entities as jsonb", async () => {
    for (const name of ['typescript-service', 'typescript-library', 'docs-site']) {
      const raw = yaml.load(await readFile(join(templatesDir, name, 'template.yaml'), 'utf8')) as { spec: { parameters: Array<{ properties: Record<string, unknown> }> } };
      const opened = await openForm(database.db, name, { platform: 'shell' });
      if (!opened.ok) throw new Error(opened.message);
      const ids = opened.form.pages.flatMap((p) => p.fields.map((f) => f.id.split('.')[0]));
      const fileOrder = raw.spec.parameters.flatMap((p) => Object.keys(p.properties));
      // Fields that only appear under a condition (declared in `dependencies`) come after them.
      expect([...new Set(ids)].filter((id) => fileOrder.includes(id)), name).toEqual(fileOrder.filter((k) => ids.includes(k)));
    }
  });
});
