import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, query, sql } from '../../src/db/client.js';
import { preparePgliteTemplate } from '../../src/db/prepare-pglite-template.js';
import { seedFromTemplate } from '../../src/db/pglite-template.js';

const dir = mkdtempSync(join(tmpdir(), 'callsheet-template-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded database template (a fresh DATA_DIR without initdb)', () => {
  it('is made once, migrated; a fresh data folder starts from it and the template never changes', async () => {
    const template = join(dir, 'template');
    expect(await preparePgliteTemplate(template)).toMatch(/made/);
    expect(await preparePgliteTemplate(template)).toMatch(/already/);
    const before = readdirSync(join(template, 'base'), { recursive: true }).length;

    const dataDir = join(dir, 'data', 'pglite');
    const database = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      // Migrations were already applied in the template; migrate() finds nothing new and works.
      await database.migrate();
      await database.db.execute(sql`insert into sources (id, kind, target) values ('s', 'folder', '/x')`);
      const [row] = await query<{ n: number }>(database.db, sql`select count(*)::int as n from sources`);
      expect(row!.n).toBe(1);
    } finally {
      await database.close();
    }
    expect(readdirSync(join(template, 'base'), { recursive: true }).length).toBe(before);
    // A folder that already holds a database is never overwritten.
    expect(seedFromTemplate(dataDir, template)).toBe(false);
    const again = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      const [row] = await query<{ n: number }>(again.db, sql`select count(*)::int as n from sources`);
      expect(row!.n).toBe(1);
    } finally {
      await again.close();
    }
  }, 180_000);
});
