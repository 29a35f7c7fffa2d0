import { describe, expect, it } from 'vitest';
import { expandEntryPaths, githubSourceId, globMatcher, normalisePath, parseGithubSource } from '../../src/github/source-spec.js';

describe('github: source strings', () => {
  it('parses org, repository glob and path', () => {
    expect(parseGithubSource('github:acme')).toEqual({ org: 'acme', glob: undefined, path: 'catalog-info.yaml' });
    expect(parseGithubSource('github:acme/payments-*?path=./docs/catalog.yaml')).toEqual({ org: 'acme', glob: 'payments-*', path: 'docs/catalog.yaml' });
    expect(githubSourceId(parseGithubSource('github:acme/?path=catalog-info.yaml'))).toBe('github:acme');
  });

  it('says what is wrong with a bad source', () => {
    expect(() => parseGithubSource('github:')).toThrow(/expected github:<org>/);
    expect(() => parseGithubSource('github:acme/pay/ments')).toThrow(/not a repository name or glob/);
    expect(() => parseGithubSource('github:acme?ref=dev')).toThrow(/unknown option "ref"/);
    expect(() => parseGithubSource('github:acme?path=../etc/passwd')).toThrow(/path must be a file inside the repository/);
  });

  it('matches globs case-insensitively, whole names only', () => {
    const m = globMatcher('pay*-api');
    expect(['payments-api', 'PAY-api', 'payments-api-v2', 'xpay-api'].map(m)).toEqual([true, true, false, false]);
    expect(globMatcher('svc-0000?')('svc-00001')).toBe(true);
    expect(globMatcher(undefined)('anything')).toBe(true);
  });

  it('keeps paths inside the repository', () => {
    expect(normalisePath('catalog/../docs/./api.md')).toBe('docs/api.md');
    expect(normalisePath('../x')).toBeUndefined();
  });
});

describe('expandEntryPaths (GitHub and GitLab trees alike)', () => {
  it('keeps plain paths, expands globs against the listing in order, and lists only when a glob needs it', async () => {
    let listed = 0;
    const list = async () => {
      listed++;
      return ['services/b/catalog-info.yaml', 'README.md', 'services/a/catalog-info.yaml', 'catalog-info.yaml'];
    };
    expect(await expandEntryPaths(['catalog-info.yaml', 'missing.yaml'], list)).toEqual(['catalog-info.yaml', 'missing.yaml']);
    expect(listed).toBe(0);
    expect(await expandEntryPaths(['catalog-info.yaml', 'services/*/catalog-info.yaml'], list)).toEqual([
      'catalog-info.yaml',
      'services/a/catalog-info.yaml',
      'services/b/catalog-info.yaml',
    ]);
    expect(listed).toBe(1);
  });
});
