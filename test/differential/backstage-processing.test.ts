/**
 * Differential test: Backstage's own processing (@backstage/plugin-catalog-backend 4.0.5, run
 * offline by test/helpers/backstage-reference.ts) and Callsheet's reader must give the same
 * accepted entities, relations and rejected files, on the conformance examples and on random
 * mutations of them. Differences by design are normalised, each with its reason:
 * - GitHub serves a file at `/blob/` and `/tree/` alike; Backstage's integration writes `tree`
 *   for the files it reaches through a relative target, Callsheet always `blob`.
 * - A ref declared twice: which declaration wins is decided by the store's claims (first claimant,
 *   tested with the store), not by the reader, so such refs, and whether the files declaring them
 *   are rejected (Backstage never processes the losing claimant), are left out of the comparison.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inArray } from 'drizzle-orm';
import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fixedClock } from '../../src/clock.js';
import { entities as entityRows, relations as relationRows, sources, syncProblems, syncRuns } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { processWithBackstage, type ReferenceResult } from '../helpers/backstage-reference.js';
import { createTestDatabase } from '../helpers/db.js';
import { syncConfig, tempDir } from '../helpers/sync-fixtures.js';
import { mutations, SUPPORT, type Files } from '../helpers/catalog-mutations.js';
import { readWithCallsheet } from '../helpers/callsheet-reference-read.js';

const fixtures = join(import.meta.dirname, '../fixtures/conformance');

function load(dir: string): Files {
  const files: Files = new Map();
  for (const f of readdirSync(join(fixtures, dir), { recursive: true, encoding: 'utf8', withFileTypes: false })) {
    try {
      files.set(f, readFileSync(join(fixtures, dir, f), 'utf8'));
    } catch {
      files.set(f, null);
    }
  }
  return files;
}

function normalise(entity: Entity): Entity {
  const copy = structuredClone(entity);
  const annotations = copy.metadata.annotations ?? {};
  for (const key of ['backstage.io/managed-by-location', 'backstage.io/view-url']) {
    if (annotations[key]) annotations[key] = annotations[key].replace('/tree/main/', '/blob/main/');
  }
  return copy;
}

/** Refs (lower-cased) declared by more than one document anywhere in the repository, and their files. */
function declaredTwice(files: Files): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  const declaring = new Map<string, string[]>();
  for (const [path, text] of files) {
    if (text === null) continue;
    for (const doc of parseAllDocuments(text)) {
      const v = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      if (!v || typeof v !== 'object') continue;
      const ref = `${String(v.kind)}:${String(v.metadata?.namespace ?? 'default')}/${String(v.metadata?.name)}`.toLowerCase();
      (seen.has(ref) ? twice : seen).add(ref);
      declaring.set(ref, [...(declaring.get(ref) ?? []), path]);
    }
  }
  for (const ref of [...twice]) for (const path of declaring.get(ref)!) twice.add(path);
  return twice;
}

/** A folder's entities carry `file:` locations where Backstage's test repository has URLs. */
function withoutLocations(v: ReturnType<typeof view>) {
  for (const entity of Object.values(v.entities) as Entity[]) {
    const annotations = entity.metadata.annotations ?? {};
    for (const key of Object.keys(annotations)) if (/^backstage\.io\/(managed-by|view-url|edit-url|source-location)/.test(key)) delete annotations[key];
    if (!Object.keys(annotations).length) delete entity.metadata.annotations;
    if (entity.kind === 'Location') delete (entity.spec as { type?: unknown }).type;
  }
  return v;
}

function view(result: ReferenceResult, skip: Set<string>) {
  const relevant = (relation: string) => !relation.split(' ').some((part) => skip.has(part));
  return {
    entities: Object.fromEntries([...result.entities].filter(([ref]) => !skip.has(ref.toLowerCase())).map(([ref, e]) => [ref.toLowerCase(), normalise(e)]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
    relations: [...result.relations].map((r) => r.toLowerCase()).filter(relevant).sort(),
    rejected: [...result.rejected].filter((path) => !skip.has(path)).sort(),
  };
}

async function compare(files: Files, entryPoints: string[]) {
  const [backstage, callsheet] = await Promise.all([processWithBackstage(files, entryPoints), readWithCallsheet(files, entryPoints)]);
  const catalogFiles = [...files].filter(([p, t]) => t !== null && /\.ya?ml$/.test(p) && !SUPPORT.some(([s]) => s === p));
  const skip = declaredTwice(files);
  expect(view(callsheet, skip), catalogFiles.map(([p, t]) => `==> ${p}\n${t}`).join('\n')).toEqual(view(backstage, skip));
}

const examples = load('backstage-examples');
const createApp = load('create-app');

/** A small repository: the create-app catalog behind a Location, plus files placeholders use. */
function smallRepo(): Files {
  const files: Files = new Map([...SUPPORT, ...[...createApp].filter(([p]) => !p.startsWith('template'))]);
  files.set(
    'catalog-info.yaml',
    'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./entities.yaml, ./org.yaml]\n---\n' +
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api\n  description: Takes payments\nspec:\n  type: service\n  lifecycle: production\n  owner: guests\n  dependsOn: [resource:default/db]\n',
  );
  return files;
}
const SMALL_ENTRIES = ['catalog-info.yaml'];
const SMALL_CATALOG = ['catalog-info.yaml', 'entities.yaml', 'org.yaml'];

describe('Callsheet reads a catalog as Backstage processes it', () => {
  it("on Backstage's example catalog and create-app's", async () => {
    await compare(examples, ['all.yaml', 'acme-corp.yaml']);
    await compare(createApp, ['entities.yaml', 'org.yaml', 'template/template.yaml']);
    await compare(smallRepo(), SMALL_ENTRIES);
    // url targets: this repository's file by its URL, another repository's (404 there, optional), a URL placeholder.
    const urls = smallRepo();
    urls.set(
      'catalog-info.yaml',
      'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  type: url\n  presence: optional\n  targets: [https://github.com/acme/catalog/blob/main/entities.yaml, ./org.yaml, https://github.com/other/repo/blob/main/x.yaml]\n---\n' +
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api\n  description: {$text: https://github.com/acme/catalog/blob/main/org.yaml}\nspec:\n  type: service\n  lifecycle: production\n  owner: guests\n',
    );
    await compare(urls, SMALL_ENTRIES);
  });

  it('on random mutations of a small catalog (names, refs, kinds, placeholders, Locations, scalars)', async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (changes) => {
        const files = smallRepo();
        for (const change of changes) change(files, SMALL_CATALOG);
        await compare(files, SMALL_ENTRIES);
      }),
      { numRuns: 500 },
    );
  }, 180_000);

  it("on random mutations of Backstage's example catalog", async () => {
    const catalog = [...examples.keys()].filter((p) => /\.ya?ml$/.test(p) && !p.endsWith('.oas.yaml'));
    await fc.assert(
      fc.asyncProperty(mutations, async (changes) => {
        const files = new Map([...examples, ...SUPPORT]);
        for (const change of changes) change(files, catalog);
        await compare(files, ['all.yaml', 'acme-corp.yaml']);
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it('through the real sync of a folder source, on random mutations', async () => {
    const database = await createTestDatabase();
    try {
      await fc.assert(
        fc.asyncProperty(mutations, async (changes) => {
          // Only catalog YAML here: a folder source scans every YAML file, each a registered location
          // of its own in Backstage's terms, and ignores YAML that is no catalog file by design.
          const files = smallRepo();
          for (const path of ['value.yaml', 'two.yaml', 'empty.yaml']) files.delete(path);
          for (const change of changes) change(files, SMALL_CATALOG);
          // The type swap below holds for targets relative to the repository only: an absolute URL is a
          // `url` target in both worlds, and one Location may mix both kinds under a single type. The
          // in-memory differentials above cover absolute targets; here they are left out.
          for (const [path, text] of files) if (text !== null) files.set(path, text.replace(/^\s*- https?:\/\/\S+\n?/gm, ''));
          // Each case is a fresh catalog: a ref left by an earlier case would be claimed by its source.
          for (const table of [relationRows, entityRows, syncProblems, syncRuns, sources]) await database.db.delete(table);
          const dir = await tempDir();
          for (const [path, text] of files) {
            if (text === null) await mkdir(join(dir, path), { recursive: true });
            else {
              await mkdir(dirname(join(dir, path)), { recursive: true });
              await writeFile(join(dir, path), text);
            }
          }
          const entries = [...files.keys()].filter((p) => files.get(p) !== null && /\.ya?ml$/.test(p) && !p.startsWith('.git/')).sort();
          const report = (
            await createSyncService({
              db: database.db,
              config: syncConfig({ DATA_DIR: await tempDir('callsheet-data-'), CATALOG_SOURCES: [dir], TEMPLATE_SOURCES: [] }),
              logger: silentLogger(),
              clock: fixedClock('2026-02-01T00:00:00Z'),
            }).syncAll()
          )[0]!;
          const rows = await database.db.select().from(entityRows).where(inArray(entityRows.sourceId, [dir]));
          const refs = rows.map((r) => r.ref);
          const rels = refs.length ? await database.db.select().from(relationRows).where(inArray(relationRows.originRef, refs)) : [];
          const synced: ReferenceResult = {
            entities: new Map(rows.map((r) => [r.ref, r.entity as Entity])),
            relations: new Set(rels.map((r) => `${r.sourceRef} ${r.type} ${r.targetRef}`)),
            rejected: new Set(report.problems.map((p) => p.filePath)),
          };
          // The folder's own location type is `file` where the test repository's is `url`: a Location
          // naming the one here means the other there.
          const swapped: Files = new Map(
            [...files].map(([p, t]) => [p, t === null ? t : t.replace(/^(\s+type: )(url|file)$/gm, (_m, pre: string, type: string) => `${pre}${type === 'url' ? 'file' : 'url'}`)]),
          );
          const backstage = await processWithBackstage(swapped, entries);
          const skip = declaredTwice(files);
          expect(withoutLocations(view(synced, skip)), JSON.stringify([...files])).toEqual(withoutLocations(view(backstage, skip)));
        }),
        { numRuns: 20 },
      );
    } finally {
      await database.close();
    }
  }, 180_000);
});
