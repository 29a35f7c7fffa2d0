/**
 * Differential test: for random predicates over a random catalog, Callsheet's predicate evaluator
 * (src/http/entity-predicate*.ts over searchIndexOf) selects exactly the entities Backstage's own
 * backend code selects (its search rows and its SQL, run in process: test/helpers/backstage-predicates.ts),
 * and accepts exactly the predicates Backstage accepts. And for random GET filters, the GET form
 * (parseEntityFilter), the predicate catalog-client converts the filter to, and Backstage agree.
 *
 * Differences by design, left out of the generators: an operator object with more than one key
 * (Backstage keeps the first operator that parses, Callsheet refuses it) and the size bounds.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CATALOG_FILTER_EXISTS, type EntityFilterQuery } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFilter, parseEntityFilter, searchIndexOf } from '../../src/http/entity-filter.js';
import { parsePredicate } from '../../src/http/entity-predicate.js';
import { matchesPredicate, necessaryFilter } from '../../src/http/entity-predicate-match.js';
import { backstageAccepts, backstageCatalog, type BackstageCatalog } from '../helpers/backstage-predicates.js';

const require = createRequire(import.meta.url);
const clientDir = dirname(require.resolve('@backstage/catalog-client/package.json'));
// Not exported from the package's index; it is what the client sends for `filter` next to `query`.
const { convertFilterToPredicate } = require(join(clientDir, 'dist/utils.cjs.js')) as { convertFilterToPredicate(f: EntityFilterQuery): unknown };

const WORDS = ['pay', 'Payments', 'ledger', 'LEDGER-api', 'web', 'svc-1', 'x', '', '7', 'true', 'production', 'experimental'];
const REFS = ['group:default/payments', 'group:default/web', 'system:default/pay', 'component:default/e1', 'GROUP:default/Payments'];
const RELATIONS = [
  { type: 'ownedBy', targetRef: 'group:default/payments' },
  { type: 'ownedBy', targetRef: 'group:default/web' },
  { type: 'partOf', targetRef: 'system:default/pay' },
  { type: 'dependsOn', targetRef: 'component:default/e1' },
];
const KEYS = [
  'kind', 'Kind', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.title', 'metadata.tags', 'metadata.tags.pay',
  'spec.type', 'spec.lifecycle', 'spec.owner', 'spec.replicas', 'spec.public', 'metadata.annotations.backstage.io/techdocs-ref',
  'metadata.labels.tier', 'relations.ownedby', 'relations.partOf', 'nope', '',
];

const word = fc.constantFrom(...WORDS);
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const entityArb = (i: number) =>
  fc
    .record({
      kind: fc.constantFrom('Component', 'component', 'API', 'Group', 'System'),
      namespace: maybe(fc.constantFrom('default', 'other')),
      title: maybe(word),
      tags: maybe(fc.subarray(['pay', 'web', 'java', 'x'])),
      techdocs: maybe(word),
      tier: maybe(word),
      type: maybe(word),
      lifecycle: maybe(fc.constantFrom('production', 'Production', 'experimental')),
      owner: maybe(word),
      replicas: maybe(fc.integer({ min: 0, max: 10 })),
      isPublic: maybe(fc.boolean()),
      relations: fc.subarray(RELATIONS),
    })
    .map((r) => {
      const metadata: Entity['metadata'] = { name: `e${i}`, uid: `uid-${i}` };
      if (r.namespace) metadata.namespace = r.namespace;
      if (r.title !== undefined) metadata.title = r.title;
      if (r.tags) metadata.tags = r.tags;
      if (r.techdocs !== undefined) metadata.annotations = { 'backstage.io/techdocs-ref': r.techdocs };
      if (r.tier !== undefined) metadata.labels = { tier: r.tier };
      const spec: Record<string, string | number | boolean> = {};
      for (const [k, v] of [['type', r.type], ['lifecycle', r.lifecycle], ['owner', r.owner], ['replicas', r.replicas], ['public', r.isPublic]] as const) if (v !== undefined) spec[k] = v;
      const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: r.kind, metadata, spec, relations: r.relations };
      return { ref: `${r.kind.toLowerCase()}:${r.namespace ?? 'default'}/e${i}`, entity };
    });
const catalogArb = fc.tuple(...Array.from({ length: 30 }, (_, i) => entityArb(i)));

const primitive = fc.oneof(word, fc.constantFrom(7, 0, true, false, 'component', 'Group', ...REFS));
const matcher = fc.oneof(
  { weight: 3, arbitrary: primitive },
  { weight: 2, arbitrary: fc.array(primitive, { maxLength: 3 }).map(($in) => ({ $in })) },
  { weight: 2, arbitrary: fc.boolean().map(($exists) => ({ $exists })) },
  { weight: 1, arbitrary: fc.constantFrom('P', 'le', 'LEDGER', '', 'group:', 'x').map(($hasPrefix) => ({ $hasPrefix })) },
  { weight: 1, arbitrary: primitive.map(($contains) => ({ $contains })) },
);
const relationMatcher = fc
  .record({ type: fc.constantFrom('ownedBy', 'OWNEDBY', 'partOf', 'dependsOn', 'nope'), targetRef: maybe(fc.oneof(fc.constantFrom(...REFS), fc.subarray(REFS, { minLength: 1 }).map(($in) => ({ $in })))) }, { requiredKeys: ['type'] })
  .map((t) => ({ relations: { $contains: t } }));
const expression = fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), matcher, { maxKeys: 3 }) }, { weight: 1, arbitrary: relationMatcher });

const { predicate } = fc.letrec<{ predicate: unknown }>((tie) => ({
  predicate: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    expression,
    fc.array(tie('predicate'), { maxLength: 3 }).map(($all) => ({ $all })),
    fc.array(tie('predicate'), { maxLength: 3 }).map(($any) => ({ $any })),
    tie('predicate').map(($not) => ({ $not })),
  ),
}));

/** Mistakes people make, mixed into valid predicates, for the validation comparison. */
const MISTAKES: unknown[] = [
  null, 'x', 5, [], { $nope: [] }, { kind: null }, { kind: [] }, { kind: ['a'] }, { kind: { $in: 'x' } }, { kind: { $in: [null] } }, { kind: { $exists: 'yes' } },
  { $all: {} }, { $not: 'x' }, { $any: ['x'] }, { 'metadata.tags': { $contains: { kind: 'x' } } }, { 'metadata.tags': { $contains: { $any: ['java'] } } },
  { relations: { $contains: { targetRef: 'x' } } }, { relations: { $contains: { type: 'ownedBy', targetRef: { $in: [] } } } }, { relations: { $contains: { type: 5 } } },
  { relations: { $contains: { type: 'ownedBy', other: 1 } } }, { relations: { $contains: { type: 'ownedBy', targetRef: { $exists: true } } } }, { kind: 'x', $any: [] },
  { 'a\nb': 'x' }, { 'a\u2028b': 'x' }, { kind: { $hasPrefix: 5 } }, { kind: { foo: 'x' } }, { kind: {} }, { $not: { kind: { $regex: 'x' } } }, {}, { '': 'x' },
];
const maybeWrong = fc.letrec<{ p: unknown }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small' },
    predicate,
    fc.constantFrom(...MISTAKES),
    fc.array(tie('p'), { maxLength: 3 }).map(($all) => ({ $all })),
    tie('p').map(($not) => ({ $not })),
  ),
})).p;

const filterArb: fc.Arbitrary<EntityFilterQuery> = fc.array(
  fc.dictionary(fc.constantFrom(...KEYS.filter(Boolean)), fc.oneof(word, fc.array(word, { minLength: 1, maxLength: 3 }), fc.constant(CATALOG_FILTER_EXISTS)), { maxKeys: 3 }),
  { minLength: 1, maxLength: 3 },
);

/** The `filter=` strings catalog-client sends for a filter (its getFilterValue). */
function filterStrings(filter: EntityFilterQuery): string[] {
  const out: string[] = [];
  for (const item of [filter].flat()) {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(item)) for (const v of [value].flat()) parts.push(v === CATALOG_FILTER_EXISTS ? key : `${key}=${String(v)}`);
    if (parts.length) out.push(parts.join(','));
  }
  return out;
}

type Catalog = Array<{ ref: string; entity: Entity }>;
const indexOf = (e: Entity) => searchIndexOf(e as Parameters<typeof searchIndexOf>[0], (e.relations ?? []) as Array<{ type: string; targetRef: string }>);
function callsheetSelect(catalog: Catalog, raw: unknown): string[] {
  const p = parsePredicate(raw);
  const selected = catalog.filter(({ entity }) => matchesPredicate(indexOf(entity), p)).map((c) => c.ref).sort();
  // What is pushed to the database never leaves out an entity the predicate selects.
  const pushed = necessaryFilter(p);
  const candidates = catalog.filter(({ entity }) => matchesFilter(indexOf(entity), pushed.filter)).map((c) => c.ref).sort();
  expect(selected.every((r) => candidates.includes(r))).toBe(true);
  // When it says it is exact, it selects the same entities on its own.
  if (pushed.exact) expect(candidates, `exact filter of ${JSON.stringify(raw)}`).toEqual(selected);
  return selected;
}

describe("predicates: Callsheet's evaluator against Backstage's backend", () => {
  const catalogs: Array<{ catalog: Catalog; backstage: BackstageCatalog }> = [];
  beforeAll(async () => {
    for (const seed of [1, 2, 3]) {
      const [catalog] = fc.sample(catalogArb, { seed, numRuns: 1 });
      catalogs.push({ catalog, backstage: await backstageCatalog(catalog) });
    }
  }, 120_000);
  afterAll(async () => Promise.all(catalogs.map((c) => c.backstage.close())));

  it('select the same entities for random predicates', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: catalogs.length - 1 }), predicate, async (i, p) => {
        const { catalog, backstage } = catalogs[i];
        const expected = await backstage.select(p);
        if (expected instanceof Error) {
          expect(() => parsePredicate(p), `Backstage refused ${JSON.stringify(p)}: ${expected.message}`).toThrow();
          return;
        }
        if (expected.length > 0 && expected.length < catalog.length) nonTrivial++;
        expect(callsheetSelect(catalog, p), JSON.stringify(p)).toEqual(expected);
      }),
      { numRuns: 600 },
    );
    // The generators reach predicates that tell entities apart, not only all or nothing.
    expect(nonTrivial).toBeGreaterThan(30);
  }, 180_000);

  it('accept and refuse the same predicates', () => {
    let refused = 0;
    fc.assert(
      fc.property(maybeWrong, (p) => {
        const accepts = backstageAccepts(p);
        if (!accepts) refused++;
        let ours = true;
        try {
          parsePredicate(p);
        } catch (e) {
          ours = false;
          expect((e as { status?: number }).status).toBe(400);
        }
        expect(ours, JSON.stringify(p)).toBe(accepts);
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(300);
  });

  it('agree with the GET filter form of the same condition, and with Backstage on the converted predicate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: catalogs.length - 1 }), filterArb, async (i, filter) => {
        const { catalog, backstage } = catalogs[i];
        const parsed = parseEntityFilter(filterStrings(filter));
        const byGet = catalog.filter(({ entity }) => matchesFilter(indexOf(entity), parsed)).map((c) => c.ref).sort();
        const converted = convertFilterToPredicate(filter) ?? {};
        expect(callsheetSelect(catalog, converted), JSON.stringify(filter)).toEqual(byGet);
        expect(await backstage.select(converted), JSON.stringify(converted)).toEqual(byGet);
      }),
      { numRuns: 400 },
    );
  }, 180_000);
});
