import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySnapshot } from '../../src/catalog/store.js';
import { relations } from '../../src/db/schema.js';
import { readTree } from '../../src/sync/read-tree.js';
import { folderTree } from '../../src/sync/sources/folder.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const examples = join(import.meta.dirname, '../fixtures/conformance/backstage-examples');
const createApp = join(import.meta.dirname, '../fixtures/conformance/create-app');
const limits = { maxBytes: 1_048_576, maxDocuments: 1000 };

async function read(root: string, entries: string[], allowedKinds?: string[]) {
  return readTree(await folderTree(root, entries, false), { limits, ...(allowedKinds ? { allowedKinds } : {}) });
}

const pairs = (records: Awaited<ReturnType<typeof read>>['records']) =>
  new Set(records.flatMap((r) => r.relations.map((x) => `${x.sourceRef} ${x.type} ${x.targetRef}`)));

describe("Backstage's example catalog from all.yaml and acme-corp.yaml", () => {
  let result: Awaited<ReturnType<typeof read>>;
  let database: TestDatabase;
  beforeAll(async () => {
    result = await read(examples, ['all.yaml', 'acme-corp.yaml']);
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('lands every valid entity, per kind as Backstage does', () => {
    const byKind: Record<string, number> = {};
    for (const r of result.records) byKind[r.entity.kind] = (byKind[r.entity.kind] ?? 0) + 1;
    expect(byKind).toEqual({ Location: 9, Group: 8, User: 17, Component: 13, API: 6, System: 3, Domain: 3, Resource: 1 });
    const refs = result.records.map((r) => r.ref);
    expect(refs).toContain('user:development/guest');
    expect(refs).toContain('user:default/guest');
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('rejects what Backstage rejects, with the reason, and lands nothing of it', () => {
    const byRef = new Map(result.problems.map((p) => [p.entityRef, p]));
    for (const name of ['frontend-design', 'use-internal-apis', 'code-review-plugin']) {
      expect(byRef.get(`airesource:default/${name}`)?.message).toMatch(/No processor recognized the entity as valid.*kind AiResource/);
    }
    expect(byRef.get('api:default/backstage-mcp-server')?.message).toMatch(/must have required property 'definition'/);
    for (const api of ['spotify', 'wayback-archive', 'wayback-search']) {
      expect(byRef.get(`api:default/${api}`)?.message).toMatch(/Placeholder \$text "https:\/\/github\.com\/.*" cannot be read: url targets and placeholders are not read for this source/);
    }
    expect(result.problems).toHaveLength(7);
    expect(result.problems.every((p) => p.line === 1)).toBe(true);
    const landed = new Set(result.records.map((r) => r.ref));
    for (const p of result.problems) expect(landed.has(p.entityRef!)).toBe(false);
    expect(result.failedFiles).toContain('apis/spotify-api.yaml');
  });

  it('resolves $text placeholders relative to the entity file', () => {
    const api = result.records.find((r) => r.ref === 'api:default/petstore-webhook')!;
    expect((api.entity.spec as { definition: string }).definition).toMatch(/^openapi: ['"]?3\.1/m);
  });

  it('adds the location annotations Backstage adds', () => {
    const api = result.records.find((r) => r.ref === 'api:default/petstore-webhook')!;
    expect(api.entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `file:${join(examples, 'apis/petstore-webhook-api.yaml')}`,
      'backstage.io/managed-by-origin-location': `file:${join(examples, 'all.yaml')}`,
    });
  });

  it('produces the relations Backstage produces: both directions, defaults, dangling targets kept', () => {
    const rels = pairs(result.records);
    for (const line of [
      'component:default/artist-lookup dependsOn resource:default/artists-db',
      'resource:default/artists-db dependencyOf component:default/artist-lookup',
      'component:default/wayback-archive-ingestion partOf component:default/wayback-archive',
      'component:default/wayback-archive hasPart component:default/wayback-archive-ingestion',
      'user:default/breanna.davison memberOf group:default/team-a',
      'group:default/team-a hasMember user:default/breanna.davison',
      'user:development/guest memberOf group:default/team-a',
      'group:default/team-a hasMember user:development/guest',
      'group:default/team-a childOf group:default/backstage',
      'group:default/backstage parentOf group:default/team-a',
      'group:default/acme-corp parentOf group:default/infrastructure',
      'group:default/infrastructure childOf group:default/acme-corp',
      'component:default/artist-lookup ownedBy group:default/team-a',
      'group:default/team-a ownerOf component:default/artist-lookup',
      // Targets that do not exist (a rejected API, a missing group) are kept, as Backstage keeps them.
      'component:default/wayback-search consumesApi api:default/wayback-archive',
      'api:default/wayback-archive apiConsumedBy component:default/wayback-search',
      'component:default/playback-order ownedBy group:default/guest',
    ]) {
      expect(rels, line).toContain(line);
    }
    // A rejected entity contributes no relations.
    expect([...rels].some((l) => l.includes('airesource:'))).toBe(false);
    expect([...rels].some((l) => l.startsWith('api:default/spotify '))).toBe(false);
  });

  it('stores the relations in Postgres in both directions', async () => {
    await applySnapshot(database.db, { sourceId: 'conformance', records: result.records, now: new Date() });
    const stored = new Set((await database.db.select().from(relations)).map((r) => `${r.sourceRef} ${r.type} ${r.targetRef}`));
    expect(stored).toEqual(pairs(result.records));
  });

  it('with CATALOG_ALLOWED_KINDS=Component,API,Location one disallowed entity fails its whole parent Location', async () => {
    const ruled = await read(examples, ['all.yaml', 'acme-corp.yaml'], ['Component', 'API', 'Location']);
    const kinds = new Set(ruled.records.map((r) => r.entity.kind));
    expect(kinds).toEqual(new Set(['Component', 'API', 'Location']));
    const failedLocations = ruled.problems.filter((p) => /is not of an allowed kind/.test(p.message)).map((p) => `${p.filePath} ${p.entityRef}`);
    expect(failedLocations.sort()).toEqual([
      'acme-corp.yaml location:default/acme-corp',
      'all-ai-resources.yaml location:default/example-ai-resources',
      'all-domains.yaml location:default/example-domains',
      'all-resources.yaml location:default/example-resources',
      'all-systems.yaml location:default/example-systems',
    ]);
    // The whole of acme/org.yaml fails, including its nested Location of groups, which is not followed.
    expect(ruled.failedFiles).toContain('acme/org.yaml');
    expect(ruled.records.some((r) => r.ref === 'location:default/example-groups')).toBe(false);
    expect(ruled.records.filter((r) => r.entity.kind === 'Component')).toHaveLength(13);
  });

  it('judges the files no Location reaches when registered on their own', async () => {
    const invalid = await read(examples, ['components/invalid-component.yaml']);
    expect(invalid.records).toEqual([]);
    expect(invalid.problems[0]!.message).toMatch(/metadata\.name|"name"/);
    const other = await read(examples, ['components/different-namespace.yaml']);
    expect(other.records.map((r) => r.ref)).toEqual(['component:alternative/different-namespace']);
    expect(pairs(other.records)).toContain('component:alternative/different-namespace ownedBy group:default/team-a');
    const ai = await read(examples, ['ai-resources/company-ai-marketplace.yaml']);
    expect(ai.records).toEqual([]);
    expect(ai.problems[0]!.message).toMatch(/kind AiResource/);
  });
});

describe("create-app's examples", () => {
  it('accepts the entities, the org and the v1beta3 template, with the template owner relation', async () => {
    const result = await read(createApp, ['entities.yaml', 'org.yaml', 'template/template.yaml']);
    expect(result.problems).toEqual([]);
    expect(result.records.map((r) => r.ref).sort()).toEqual([
      'api:default/example-grpc-api',
      'component:default/example-website',
      'group:default/guests',
      'system:default/examples',
      'template:default/example-nodejs-template',
      'user:default/guest',
    ]);
    const rels = pairs(result.records);
    expect(rels).toContain('template:default/example-nodejs-template ownedBy user:default/guest');
    expect(rels).toContain('component:default/example-website providesApi api:default/example-grpc-api');
    expect(rels).toContain('api:default/example-grpc-api apiProvidedBy component:default/example-website');
  });
});

describe('Group members and User memberOf', () => {
  it('give one deduplicated pair', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callsheet-members-'));
    await writeFile(
      join(dir, 'org.yaml'),
      `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-x }
spec: { type: team, children: [], members: [alice] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { memberOf: [Team-X] }
`,
    );
    const result = await read(dir, ['org.yaml']);
    const rels = [...pairs(result.records)].sort();
    expect(rels).toEqual(['group:default/team-x hasMember user:default/alice', 'user:default/alice memberOf group:default/team-x']);
  });
});
