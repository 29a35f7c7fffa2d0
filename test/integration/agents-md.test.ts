/**
 * AGENTS.md from the demo organisation (the catalog `npm start` syncs), golden: what payments-api
 * is, who owns it and how to reach them, its dependencies both ways, APIs with their definitions,
 * docs and runbook, and what is wrong with its entry. And the marker: a second run replaces the
 * generated part of an existing file, keeping what people wrote around it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeAgentsMd, AGENTS_MD_BEGIN } from '../../src/catalog/agents-md.js';
import { agentsMdOf } from '../../src/catalog/agents-md-facts.js';
import { getEntity } from '../../src/catalog/queries.js';
import { fixedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { demoCatalogDir } from '../helpers/seed.js';
import { syncConfig, tempDir } from '../helpers/sync-fixtures.js';

let database: TestDatabase;
const now = new Date('2026-02-01T00:00:00Z');
beforeAll(async () => {
  database = await createTestDatabase();
  const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: await tempDir('callsheet-agents-md-'), CATALOG_SOURCES: [demoCatalogDir] }), logger: silentLogger(), clock: fixedClock(now.toISOString()) });
  await sync.syncAll();
  await sync.stop();
}, 120_000);
afterAll(async () => database?.close());

const page = async (ref: string) => agentsMdOf(database.db, (await getEntity(database.db, ref))!, { now, staleAfterDays: 180 });

describe('agents-md on the demo organisation', () => {
  it('payments-api (golden)', async () => {
    await expect(await page('component:default/payments-api')).toMatchFileSnapshot('../fixtures/agents-md/payments-api.md');
  });

  it('names what is missing from a thin entry as open problems', async () => {
    const md = await page('component:default/payments-worker');
    expect(md).toMatch(/## Open catalog problems\n\n- No docs/);
  });

  it('a later run replaces the generated part and keeps the rest', async () => {
    const first = await page('component:default/payments-api');
    const existing = `# Notes by the team\n\nRun \`npm test\` before pushing.\n\n${first.replace('Public API', 'Old text')}\nFooter kept.\n`;
    const merged = mergeAgentsMd(existing, first);
    expect(merged.split(AGENTS_MD_BEGIN)).toHaveLength(2);
    expect(merged).toContain('Run `npm test` before pushing.');
    expect(merged).toContain('Footer kept.');
    expect(merged).not.toContain('Old text');
    expect(mergeAgentsMd(merged, first)).toBe(merged);
    expect(mergeAgentsMd('# Ours\n', first)).toBe(`${first}\n# Ours\n`);
  });
});
