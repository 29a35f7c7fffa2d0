/** How url targets and URL placeholders are resolved, linked and located, without the network. */
import { describe, expect, it } from 'vitest';
import type { CatalogRecord } from '../../src/catalog/store.js';
import { defaultBranchPush } from '../../src/http/github-webhook.js';
import { githubUrlFiles } from '../../src/github/url-files.js';
import { locationTargets as linked } from '../../src/sync/dependencies.js';
import { remoteTarget } from '../../src/sync/placeholders.js';
import { urlOfKey } from '../../src/sync/remote-files.js';
import { urlLocation } from '../../src/sync/remote-tree.js';

const files = githubUrlFiles({ host: 'github.com', client: async () => Promise.reject(new Error('no network in unit tests')) });
const remote = { readable: true, refusal: (url: string) => files.refusal(url), read: async () => undefined };
const location = (filePath: string, targets: string[]) => ({ filePath, entity: { kind: 'Location', metadata: { name: 'x' }, spec: { type: 'url', targets } } }) as unknown as CatalogRecord;

describe('url targets', () => {
  it('resolves absolute URLs, relative targets of a remote file against its URL, and leaves tree paths alone', () => {
    expect(remoteTarget('all.yaml', 'https://GitHub.com/acme/billing/blob/main/catalog-info.yaml', 'Location target', remote)).toBe('https://github.com/acme/billing/blob/main/catalog-info.yaml');
    expect(remoteTarget('https://github.com/acme/billing/blob/main/docs/catalog-info.yaml', '../api.yaml', 'Location target', remote)).toBe('https://github.com/acme/billing/blob/main/api.yaml');
    expect(remoteTarget('all.yaml', './services/a.yaml', 'Location target', remote)).toBeUndefined();
  });

  it('refuses another host naming it and the setting, a path leaving the repository, and everything without a reader', () => {
    expect(() => remoteTarget('all.yaml', 'https://gitlab.example.com/a/b/blob/main/x.yaml', 'Location target', remote)).toThrow(/gitlab\.example\.com is not the configured GitHub \(github\.com, from GITHUB_API_URL\)/);
    expect(() => remoteTarget('all.yaml', 'https://github.com/a/b/blob/main/../../c/d.yaml', 'Placeholder $text', remote)).toThrow(/leaves the repository/);
    expect(() => remoteTarget('all.yaml', 'https://github.com/a/b/tree/main/', 'Location target', remote)).toThrow(/folder, not a file/);
    expect(() => remoteTarget('all.yaml', 'https://github.com/a/b/blob/main/x.yaml', 'Location target', undefined)).toThrow(/not read for this source/);
  });

  it('links URL targets under the tree that names them, and relative ones of a remote file under its URL', () => {
    expect(linked([location('acme/catalog/all.yaml', ['https://github.com/acme/billing/blob/main/catalog-info.yaml', './local.yaml', 'https://github.com/acme/x/blob/main/*/c.yaml'])], 'acme/catalog')).toEqual([
      'acme/catalog/https://github.com/acme/billing/blob/main/catalog-info.yaml',
      'acme/catalog/local.yaml',
    ]);
    expect(linked([location('acme/catalog/https://github.com/acme/billing/blob/main/a/catalog-info.yaml', ['./more.yaml'])])).toEqual(['acme/catalog/https://github.com/acme/billing/blob/main/a/more.yaml']);
    expect(urlOfKey('acme/catalog/https://github.com/acme/billing/blob/main/a.yaml')).toBe('https://github.com/acme/billing/blob/main/a.yaml');
  });

  it('locates a remote file as Backstage annotates one read from a URL', () => {
    expect(urlLocation('https://github.com/acme/billing/blob/main/svc/catalog-info.yaml')).toEqual({
      type: 'url',
      target: 'https://github.com/acme/billing/blob/main/svc/catalog-info.yaml',
      viewUrl: 'https://github.com/acme/billing/blob/main/svc/catalog-info.yaml',
      editUrl: 'https://github.com/acme/billing/edit/main/svc/catalog-info.yaml',
      sourceLocation: 'url:https://github.com/acme/billing/tree/main/svc/',
    });
  });

  it('tells a default-branch push and its paths from other events', () => {
    const repository = { name: 'billing', default_branch: 'main', owner: { login: 'acme' } };
    const commit = { added: ['a.yaml'], modified: ['openapi.yaml'], removed: [] };
    expect(defaultBranchPush('push', { ref: 'refs/heads/main', repository, commits: [commit], head_commit: commit })).toEqual({ org: 'acme', repo: 'billing', paths: ['a.yaml', 'openapi.yaml'] });
    expect(defaultBranchPush('push', { ref: 'refs/heads/main', repository, commits: [] })).toEqual({ org: 'acme', repo: 'billing', paths: undefined });
    expect(defaultBranchPush('push', { ref: 'refs/heads/feature', repository, commits: [commit] })).toBeUndefined();
    expect(defaultBranchPush('repository', { action: 'created', repository })).toBeUndefined();
  });
});
