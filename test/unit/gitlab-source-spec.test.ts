import { describe, expect, it } from 'vitest';
import { parseSourceItem } from '../../src/config/sources.js';
import { gitlabSourceHas, gitlabSourceId, parseGitlabSource } from '../../src/gitlab/source-spec.js';

describe('gitlab: source items', () => {
  it('reads groups, subgroups, a project glob and ?path=', () => {
    expect(parseGitlabSource('gitlab:acme')).toEqual({ group: 'acme', path: 'catalog-info.yaml' });
    expect(parseGitlabSource('gitlab:acme/platform/data')).toEqual({ group: 'acme/platform/data', path: 'catalog-info.yaml' });
    expect(parseGitlabSource('gitlab:acme/platform/pay*?path=service.yaml')).toEqual({ group: 'acme/platform', glob: 'pay*', path: 'service.yaml' });
    expect(parseGitlabSource('gitlab:acme?path=a.yaml,services/*/catalog-info.yaml')).toEqual({ group: 'acme', path: 'a.yaml', paths: ['a.yaml', 'services/*/catalog-info.yaml'] });
    expect(gitlabSourceId(parseGitlabSource('gitlab:acme/platform/pay*?path=catalog-info.yaml'))).toBe('gitlab:acme/platform/pay*');
  });

  it('refuses what is not a group path, with the reason', () => {
    expect(() => parseGitlabSource('gitlab:acme/../x')).toThrow(/not a GitLab group path segment/);
    expect(() => parseGitlabSource('gitlab:acme?branch=x')).toThrow(/unknown option "branch"/);
    expect(() => parseGitlabSource('gitlab:acme?path=../x.yaml')).toThrow(/inside the project/);
    expect(() => parseSourceItem('gitlab:ac me')).toThrow(/not a GitLab group path segment/);
  });

  it('tells which projects belong to a source', () => {
    const spec = parseGitlabSource('gitlab:acme/platform/pay*');
    expect(gitlabSourceHas(spec, 'acme/platform/payments')).toBe(true);
    expect(gitlabSourceHas(spec, 'acme/platform/deep/payments')).toBe(true);
    expect(gitlabSourceHas(spec, 'acme/platform/web')).toBe(false);
    expect(gitlabSourceHas(spec, 'acme/platformx/payments')).toBe(false);
    expect(parseSourceItem('gitlab:acme?kinds=Component').rule.allows('User')).toBe(false);
    expect(parseSourceItem('gitlab:acme').rule.allows('User')).toBe(false);
  });
});

describe('RepoUrlPicker answers on GitLab', () => {
  it('reads nested groups as the owner', async () => {
    const { coerceAnswer } = await import('../../src/scaffolder/form-values.js');
    const field = { id: 'repoUrl', path: ['repoUrl'], label: 'Repository', required: true, type: 'repoUrl' as const, allowedHosts: ['gitlab.com'], allowedOwners: [], allowedRepos: [] };
    expect(coerceAnswer(field, 'gitlab.com/acme/platform/ledger')).toEqual({ ok: true, value: 'gitlab.com?owner=acme%2Fplatform&repo=ledger' });
    expect(coerceAnswer(field, 'https://github.com/acme/payments-api.git')).toEqual({ ok: true, value: 'github.com?owner=acme&repo=payments-api' });
  });
});
