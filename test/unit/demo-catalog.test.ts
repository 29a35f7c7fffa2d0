import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { refOf } from '../../src/catalog/refs.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { validateEntity } from '../../src/catalog/validate.js';
import { demoCatalogDir } from '../helpers/seed.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe('the demo catalog', () => {
  const all = files(demoCatalogDir);

  it('validates with Backstage rules, file by file, document by document', async () => {
    expect(all.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of all) {
      for (const doc of yaml.loadAll(readFileSync(file, 'utf8'))) {
        const v = await validateEntity(doc);
        if (!v.ok) problems.push(`${relative(demoCatalogDir, file)}: ${v.message}`);
        else relationsOf(v.entity);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is the organisation the README describes, with deliberate gaps for nudges', async () => {
    const entities = (await Promise.all(all.flatMap((f) => yaml.loadAll(readFileSync(f, 'utf8')).map((d) => validateEntity(d))))).flatMap((v) => (v.ok ? [v.entity] : []));
    const count = (kind: string) => entities.filter((e) => e.kind === kind).length;
    expect(count('Group')).toBe(8);
    expect(count('Domain')).toBe(3);
    expect(count('System')).toBe(6);
    expect(count('Component')).toBeGreaterThanOrEqual(30);
    expect(count('API')).toBeGreaterThanOrEqual(5);
    expect(count('Resource')).toBeGreaterThanOrEqual(4);
    expect(count('User')).toBeGreaterThanOrEqual(12);
    const refs = new Set(entities.map((e) => refOf(e)));
    expect(refs.has('component:default/payments-api')).toBe(true);
    const groups = entities.filter((e) => e.kind === 'Group');
    expect(groups.filter((g) => g.metadata.annotations?.['slack.com/channel-id'] && g.metadata.annotations?.['slack.com/channel-name']).length).toBeGreaterThanOrEqual(6);
    const users = entities.filter((e) => e.kind === 'User');
    expect(users.every((u) => typeof (u.spec as { profile?: { email?: string } }).profile?.email === 'string')).toBe(true);
    // An owner that is not in the catalog, and a component with no system or description.
    const dangling = entities.flatMap((e) => relationsOf(e)).filter((r) => r.type === 'ownedBy' && !refs.has(r.targetRef));
    expect(dangling.map((r) => r.sourceRef)).toContain('component:default/legacy-billing');
    const bare = entities.find((e) => e.metadata.name === 'old-cron-jobs')!;
    expect(bare.metadata.description).toBeUndefined();
    expect((bare.spec as { system?: string }).system).toBeUndefined();
    // Every relation target except the deliberate dangling owner exists.
    const missing = entities.flatMap((e) => relationsOf(e)).filter((r) => !refs.has(r.targetRef) && r.targetRef !== 'group:default/billing-team');
    expect(missing).toEqual([]);
  });

  it('lists every file in its top-level Location', () => {
    const location = yaml.load(readFileSync(join(demoCatalogDir, 'catalog-info.yaml'), 'utf8')) as { spec: { targets: string[] } };
    const listed = location.spec.targets.map((t) => t.replace(/^\.\//, '')).sort();
    const present = all.map((f) => relative(demoCatalogDir, f)).filter((f) => f !== 'catalog-info.yaml').sort();
    expect(listed).toEqual(present);
  });
});
