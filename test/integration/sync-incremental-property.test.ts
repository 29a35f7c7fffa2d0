/**
 * Incremental = fresh: random edit sequences on a real Git repository (add, change, rename, move,
 * delete files; add and remove Location targets of any name; break YAML and fix it; the same ref
 * in two files), and after each commit the catalog an incremental sync left equals the catalog of
 * one fresh sync of that commit: entities (owner, spec, annotations), relations and problems.
 *
 * What only history can produce is left out, as the issue allows: orphans (they carry
 * `backstage.io/orphan`), what a broken or missing file kept from before (its refs), and which of
 * two files holding the same ref wins (the first claimant, which a fresh read cannot know; the
 * conflict itself must be reported by both).
 *
 * A failing Location keeps following the targets it had (as Backstage keeps a failed Location's
 * output: its generated child locations go on being refreshed), so a problem on a file reached only
 * through that kept output is reported to its owners by the incremental sync; a fresh read never
 * reaches that file. Such problems are history too and are left out of the comparison.
 */
import { eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSourceEntities } from '../../src/catalog/store.js';
import { fixedClock } from '../../src/clock.js';
import { entities, relations, sources, syncProblems } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const YAML_FILES = ['a.yaml', 'b.yaml', 'dir/c.yaml', 'dir/sub/d.yml'];
const TARGETS = ['child.cat', 'data.json', 'NOEXT', 'dir/c.yaml'];
const NAMES = ['e1', 'e2', 'e3', 'e4'];
const OWNERS = ['team-a', 'team-b'];

type Edit =
  | { op: 'write'; path: string; names: string[]; owner: string }
  | { op: 'delete'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'break'; path: string }
  | { op: 'locate'; targets: string[] };

const doc = (name: string, owner: string, json: boolean) =>
  json
    ? JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner } })
    : `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), path: fc.constantFrom(...YAML_FILES, ...TARGETS), names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 2 }), owner: fc.constantFrom(...OWNERS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...YAML_FILES, ...TARGETS, 'loc.yaml') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), from: fc.constantFrom(...YAML_FILES, ...TARGETS), to: fc.constantFrom(...YAML_FILES, ...TARGETS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('break' as const), path: fc.constantFrom(...YAML_FILES, 'child.cat') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('locate' as const), targets: fc.uniqueArray(fc.constantFrom(...TARGETS), { maxLength: 3 }) }) },
);

function apply(files: Map<string, string>, e: Edit) {
  if (e.op === 'write') files.set(e.path, e.path.endsWith('.json') ? doc(e.names[0]!, e.owner, true) : e.names.map((n) => doc(n, e.owner, false)).join('---\n'));
  else if (e.op === 'delete') files.delete(e.path);
  else if (e.op === 'rename') {
    const text = files.get(e.from);
    if (text !== undefined && e.from !== e.to) {
      files.delete(e.from);
      files.set(e.to, text);
    }
  } else if (e.op === 'break') files.set(e.path, 'apiVersion: backstage.io/v1alpha1\nkind: [\n');
  else files.set('loc.yaml', `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: loc\nspec:\n  targets: [${e.targets.map((t) => `./${t}`).join(', ')}]\n`);
}

/** Sequences that once broke the property, always run first. */
const REGRESSION: Edit[] = [
  { op: 'locate', targets: ['NOEXT', 'child.cat'] },
  { op: 'write', path: 'NOEXT', names: ['e1'], owner: 'team-b' },
  { op: 'write', path: 'b.yaml', names: ['e4', 'e1'], owner: 'team-b' },
  { op: 'locate', targets: ['child.cat'] },
];
/** A broken Location target, once reported twice by the incremental sync (seed 2045703412, path "7"). */
const BROKEN_TARGET: Edit[] = [
  { op: 'write', path: 'NOEXT', names: ['e4'], owner: 'team-a' },
  { op: 'break', path: 'child.cat' },
];
/** A shadowed non-YAML target, once re-read as an entry point (its own origin) when the winner changed. */
const SHADOWED_TARGET: Edit[] = [
  { op: 'write', path: 'child.cat', names: ['e2', 'e1'], owner: 'team-b' },
  { op: 'write', path: 'a.yaml', names: ['e4'], owner: 'team-a' },
  { op: 'write', path: 'dir/c.yaml', names: ['e4', 'e1'], owner: 'team-b' },
];
/** A target that breaks while its Location fails on new missing targets (seed -426749675, path "7"). */
const KEPT_TARGET: Edit[] = [
  { op: 'locate', targets: ['data.json', 'NOEXT'] },
  { op: 'break', path: 'child.cat' },
  { op: 'write', path: 'a.yaml', names: ['e4', 'e3'], owner: 'team-b' },
];
/** A broken target kept by a failing Location, then dropped by a valid one (found while fixing KEPT_TARGET). */
const DROPPED_KEPT_TARGET: Edit[] = [
  { op: 'break', path: 'child.cat' },
  { op: 'locate', targets: ['dir/c.yaml', 'NOEXT'] },
  { op: 'locate', targets: [] },
];
/** A Location starts naming a broken file that is also scanned by itself (seed -651152168, path "9"). */
const LOCATED_ENTRY: Edit[] = [
  { op: 'break', path: 'dir/c.yaml' },
  { op: 'locate', targets: ['dir/c.yaml'] },
];
/** A scanned file named by a failing Location changes: what it held before must not be kept (seed 712476139, path "8"). */
const ENTRY_OF_FAILED_LOCATION: Edit[] = [
  { op: 'locate', targets: ['NOEXT', 'data.json', 'dir/c.yaml'] },
  { op: 'write', path: 'dir/c.yaml', names: ['e3'], owner: 'team-b' },
  { op: 'write', path: 'dir/c.yaml', names: ['e2'], owner: 'team-b' },
];
/** A kept target (reached only through a failed Location's old output) starts defining a ref another file holds (seed 1678996207, path "23"). */
const KEPT_TARGET_CONFLICT: Edit[] = [
  { op: 'break', path: 'child.cat' },
  { op: 'locate', targets: ['data.json', 'NOEXT', 'dir/c.yaml'] },
  { op: 'write', path: 'child.cat', names: ['e1'], owner: 'team-a' },
];
/**
 * PROPERTY_SEED (and PROPERTY_PATH) replay a run fast-check reported. The default suite uses a fixed
 * seed so CI is reproducible (a counterexample found by exploring is added to `examples` once fixed);
 * PROPERTY_SEED=random explores new sequences, e.g. with PROPERTY_RUNS=30.
 */
const replay = {
  ...(process.env.PROPERTY_SEED === 'random' ? {} : { seed: Number(process.env.PROPERTY_SEED ?? 20261202) }),
  ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH } : {}),
};

describe('incremental sync equals a fresh sync of the same commit (property)', () => {
  let incremental: TestDatabase;
  let fresh: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    incremental = await createTestDatabase();
    fresh = await createTestDatabase();
    dataDir = await tempDir('callsheet-data-');
  });
  afterAll(async () => {
    await incremental.close();
    await fresh.close();
  });

  const sync = async (database: TestDatabase, url: string) => {
    const service = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: [url] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    const [report] = await service.syncAll();
    expect(report!.status, report!.error).toBe('synced');
  };

  async function catalogOf(database: TestDatabase, url: string) {
    const rows = await database.db.select().from(entities).where(eq(entities.sourceId, url));
    const problems = await database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, url));
    const refs = rows.map((r) => r.ref);
    const rels = refs.length ? await database.db.select().from(relations).where(inArray(relations.originRef, refs)) : [];
    return { rows, problems, rels };
  }

  it('holds for random edit sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 5 }), async (edits) => {
        // Each run is its own repository: what earlier runs left would claim the same refs.
        for (const database of [incremental, fresh]) {
          for (const source of await database.db.select().from(sources)) await removeSourceEntities(database.db, source.id);
          await database.db.delete(syncProblems);
          await database.db.delete(sources);
        }
        const repo = await GitRepo.create();
        const files = new Map<string, string>([['a.yaml', doc('e1', 'team-a', false)]]);
        apply(files, { op: 'locate', targets: ['child.cat'] });
        files.set('child.cat', doc('e2', 'team-b', false));
        let step = 0;
        const commit = async () => {
          // A file no sync reads, so every step is a commit even when an edit changed nothing.
          files.set('step.txt', String(step++));
          repo.git('rm', '-r', '--quiet', '--cached', '--ignore-unmatch', '.');
          for (const path of repo.git('ls-files', '--others', '--cached').split('\n').filter(Boolean)) await import('node:fs/promises').then((fs) => fs.rm(`${repo.dir}/${path}`, { force: true }));
          await repo.commit(Object.fromEntries(files), 'step');
        };
        await commit();
        await sync(incremental, repo.url);
        for (const e of edits) {
          apply(files, e);
          await commit();
          await sync(incremental, repo.url);
          // A fresh read of the same commit: no stored rows, no stored state.
          await removeSourceEntities(fresh.db, repo.url);
          await fresh.db.delete(syncProblems).where(eq(syncProblems.sourceId, repo.url));
          await fresh.db.delete(sources).where(eq(sources.id, repo.url));
          await sync(fresh, repo.url);

          const inc = await catalogOf(incremental, repo.url);
          const fr = await catalogOf(fresh, repo.url);
          const orphan = (r: (typeof inc.rows)[number]) => (r.entity as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['backstage.io/orphan'] === 'true';
          const conflict = (p: { message: string }) => /already defined in/.test(p.message);
          const problemFiles = new Set(inc.problems.filter((p) => !conflict(p)).map((p) => p.filePath));
          // Refs history holds differently: orphans, and what a broken or missing file kept from before.
          // A failing Location keeps what its targets held, so a problem on the origin file counts too.
          const originFile = (r: (typeof inc.rows)[number]) => (r.entity as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['backstage.io/managed-by-origin-location']?.split('#HEAD:')[1] ?? '';
          const kept = new Set(inc.rows.filter((r) => orphan(r) || problemFiles.has(r.filePath) || problemFiles.has(originFile(r)) || !files.has(r.filePath)).map((r) => r.ref));
          // Refs claimed twice: which file wins depends on who claimed first, which a fresh read cannot know.
          const claimed = new Set([...inc.problems, ...fr.problems].filter(conflict).map((p) => p.entityRef!));
          const skip = (ref: string) => kept.has(ref) || claimed.has(ref);
          // A file neither discovered by itself (*.yaml) nor a current target of the failing Location: reached through kept output only.
          const locationFailed = inc.problems.some((p) => p.filePath === 'loc.yaml');
          const targetsNow = (files.get('loc.yaml') ?? '').match(/\[(.*)\]/)?.[1]?.split(', ').map((t) => t.replace('./', '')) ?? [];
          const keptTarget = (p: { filePath: string | null }) => locationFailed && !/\.ya?ml$/.test(p.filePath ?? '') && !targetsNow.includes(p.filePath ?? '');
          const counted = (c: typeof inc) => (c === inc ? c.problems.filter((p) => !keptTarget(p)) : c.problems);
          const view = (c: typeof inc) => ({
            entities: c.rows.filter((r) => !skip(r.ref)).map((r) => ({ ref: r.ref, owner: r.ownerRef, filePath: r.filePath, entity: r.entity })).sort((x, y) => x.ref.localeCompare(y.ref)),
            relations: c.rels.filter((r) => !skip(r.originRef)).map((r) => `${r.sourceRef} ${r.type} ${r.targetRef}`).sort(),
            problems: counted(c).filter((p) => !conflict(p)).map((p) => `${p.filePath}:${p.line ?? ''} ${p.message}`).sort(),
            conflicts: [...new Set(counted(c).filter((p) => conflict(p) && !kept.has(p.entityRef!)).map((p) => p.entityRef!))].sort(),
            claimedPresent: c.rows.filter((r) => claimed.has(r.ref) && !kept.has(r.ref)).map((r) => r.ref).sort(),
          });
          expect(view(inc), JSON.stringify(edits)).toEqual(view(fr));
        }
      }),
      // Each run is a repository and up to 12 syncs: bounded so the test stays well under a minute.
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 12), endOnFailure: true, examples: [[REGRESSION], [BROKEN_TARGET], [SHADOWED_TARGET], [KEPT_TARGET], [DROPPED_KEPT_TARGET], [LOCATED_ENTRY], [ENTRY_OF_FAILED_LOCATION], [KEPT_TARGET_CONFLICT]], ...replay },
    );
  }, Math.max(240_000, Number(process.env.PROPERTY_RUNS ?? 12) * 40_000));
});
