import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityForUrl } from '../../src/catalog/url-lookup.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

const entity = (kind: string, name: string, location?: string) => `
apiVersion: backstage.io/v1alpha1
kind: ${kind}
metadata:
  name: ${name}
  ${location ? `annotations: { backstage.io/source-location: "url:${location}" }` : ''}
spec: { type: service, lifecycle: production, owner: group:default/pay${kind === 'API' ? ', definition: x' : ''} }
`;

describe('the entity a pasted URL is about (issue 16)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db, {
      dir: false,
      viewUrlBase: 'https://github.com/acme/catalog/blob/main/',
      files: {
        'mono-a.yaml': entity('Component', 'mono-a', 'https://github.com/acme/mono/tree/main/services/a/'),
        'mono-b.yaml': entity('Component', 'mono-b', 'https://github.com/acme/mono/tree/main/services/b'),
        'single.yaml': entity('Component', 'single', 'https://github.com/Acme/Single/tree/main/') + '---' + entity('API', 'single-api', 'https://github.com/acme/single/tree/main/'),
        'other.yaml': entity('Component', 'mono-ab', 'https://github.com/acme/mono-ab/tree/main/'),
      },
    });
  });
  afterAll(async () => database?.close());
  const ref = async (url: string) => (await entityForUrl(database.db, url, 'https://backstage.acme.example'))?.ref;

  it('picks the part of a monorepo whose folder holds the file', async () => {
    expect(await ref('https://github.com/acme/mono/blob/main/services/b/src/index.ts')).toBe('component:default/mono-b');
    expect(await ref('https://github.com/acme/mono/tree/main/services/a')).toBe('component:default/mono-a');
    expect(await ref('https://github.com/acme/mono/blob/main/README.md')).toBeUndefined();
    expect(await ref('https://github.com/acme/mono-ab')).toBe('component:default/mono-ab');
  });

  it('prefers the Component of a repository, case-insensitively, and knows catalog files and Backstage pages', async () => {
    expect(await ref('https://github.com/acme/single')).toBe('component:default/single');
    expect(await ref('https://github.com/acme/catalog/blob/main/mono-b.yaml')).toBe('component:default/mono-b');
    expect(await ref('https://backstage.acme.example/catalog/default/api/single-api')).toBe('api:default/single-api');
    expect(await ref('https://github.com/acme/nothing')).toBeUndefined();
    expect(await ref(`https://github.com/acme/single/${'x'.repeat(3000)}`)).toBeUndefined();
  });
});
