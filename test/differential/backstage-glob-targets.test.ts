/**
 * Glob Location targets, judged by Backstage's own processing (UrlReaderProcessor over a reader that
 * searches as GithubUrlReader does): which files a glob reaches, which entities they give with
 * which origin, and which Locations fail, must be the same in Callsheet.
 */
import type { Entity } from '@backstage/catalog-model';
import { describe, expect, it } from 'vitest';
import { processWithBackstage, type ReferenceResult } from '../helpers/backstage-reference.js';
import { readWithCallsheet } from '../helpers/callsheet-reference-read.js';

type Files = Map<string, string | null>;

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const location = (name: string, targets: string[], extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n${extra}  targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]\n`;

function view(result: ReferenceResult) {
  const entities = [...result.entities].map(([ref, e]: [string, Entity]) => {
    const a = e.metadata.annotations ?? {};
    const where = (key: string) => (a[key] ?? '').replace('/tree/main/', '/blob/main/');
    return `${ref.toLowerCase()} <- ${where('backstage.io/managed-by-location')} (origin ${where('backstage.io/managed-by-origin-location')})`;
  });
  return { entities: entities.sort(), relations: [...result.relations].map((r) => r.toLowerCase()).sort(), rejected: [...result.rejected].sort() };
}

async function compare(files: Files, entries: string[]) {
  const [backstage, callsheet] = await Promise.all([processWithBackstage(files, entries), readWithCallsheet(files, entries)]);
  expect(view(callsheet)).toEqual(view(backstage));
  return view(callsheet);
}

const services: [string, string][] = [
  ['services/billing/catalog-info.yaml', component('billing')],
  ['services/ledger/catalog-info.yaml', component('ledger')],
  ['services/.hidden/catalog-info.yaml', component('hidden')],
  ['services/ledger/deep/catalog-info.yaml', component('deep')],
  ['libs/util/catalog-info.yaml', component('util')],
  ['README.md', '# not a catalog file\n'],
];

describe('glob Location targets, as Backstage reads them', () => {
  it('a single-folder glob: one level, no dot folders', async () => {
    const files: Files = new Map([...services, ['all.yaml', location('all', ['./services/*/catalog-info.yaml'])]]);
    const v = await compare(files, ['all.yaml']);
    expect(v.entities.map((e) => e.split(' ')[0])).toEqual(['component:default/billing', 'component:default/ledger', 'location:default/all']);
  });

  it('a ** glob from a sub-folder, beside a literal target', async () => {
    const files: Files = new Map([...services, ['catalog/all.yaml', location('all', ['../services/**/catalog-info.yaml', '../libs/util/catalog-info.yaml'])]]);
    const v = await compare(files, ['catalog/all.yaml']);
    expect(v.entities.map((e) => e.split(' ')[0])).toContain('component:default/deep');
  });

  it('a glob that matches nothing fails its Location; an optional one does not', async () => {
    await compare(new Map([...services, ['all.yaml', location('all', ['./nowhere/*/catalog-info.yaml'])]]), ['all.yaml']);
    await compare(new Map([...services, ['all.yaml', location('all', ['./nowhere/*/catalog-info.yaml'], '  presence: optional\n')]]), ['all.yaml']);
  });

  it('a glob reaching a broken file or a file that is no catalog file', async () => {
    const files: Files = new Map([...services, ['services/broken/catalog-info.yaml', 'kind: [unclosed\n'], ['all.yaml', location('all', ['./services/*/catalog-info.yaml'])]]);
    await compare(files, ['all.yaml']);
    await compare(new Map([...services, ['all.yaml', location('all', ['./*.md'])]]), ['all.yaml']);
  });
});
