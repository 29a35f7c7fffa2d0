import { describe, expect, it } from 'vitest';
import type { UrlFileReader } from '../../src/github/url-files.js';
import { parseGitlabFileUrl } from '../../src/gitlab/file-url.js';
import { urlLocation } from '../../src/sync/remote-tree.js';
import { urlReaders } from '../../src/sync/url-readers.js';

const reader = (host: string, seen: string[]): UrlFileReader => ({
  refusal: (url) => (new URL(url).host === host ? undefined : `host ${new URL(url).host} is not ${host}`),
  fetch: async (url) => (seen.push(`${host} ${url}`), { kind: 'text', text: host }),
});

describe('urlReaders', () => {
  it('sends each URL to the reader of its host, and refuses others with every reason', async () => {
    const seen: string[] = [];
    const both = urlReaders([reader('github.com', seen), reader('gitlab.example.com', seen)])!;
    expect(await both.fetch('https://gitlab.example.com/g/p/-/blob/main/a.yaml')).toEqual({ kind: 'text', text: 'gitlab.example.com' });
    expect(await both.fetch('https://github.com/o/r/blob/main/a.yaml')).toEqual({ kind: 'text', text: 'github.com' });
    expect(seen).toHaveLength(2);
    expect(both.refusal('https://evil.example/x.yaml')).toBe('host evil.example is not github.com; host evil.example is not gitlab.example.com');
    await expect(both.fetch('https://evil.example/x.yaml')).rejects.toThrow(/evil\.example is not github\.com/);
  });

  it('is the one reader when there is one, and none without', () => {
    const one = reader('github.com', []);
    expect(urlReaders([one])).toBe(one);
    expect(urlReaders([])).toBeUndefined();
  });
});

describe('GitLab file URLs', () => {
  it('reads project (any group depth), ref and path under GITLAB_URL, with a relative root', () => {
    expect(parseGitlabFileUrl('https://gitlab.example.com/a/b/c/-/blob/main/dir/x.yaml', 'https://gitlab.example.com')).toEqual({ project: 'a/b/c', ref: 'main', path: 'dir/x.yaml' });
    expect(parseGitlabFileUrl('https://h.example/gitlab/a/p/-/raw/v1/x.yaml', 'https://h.example/gitlab/')).toEqual({ project: 'a/p', ref: 'v1', path: 'x.yaml' });
  });

  it('refuses another host, a folded `..` as written, and credentials', () => {
    expect(parseGitlabFileUrl('https://other.example/a/p/-/blob/main/x.yaml', 'https://gitlab.example.com')).toBeUndefined();
    expect(parseGitlabFileUrl('https://gitlab.example.com/a/p/-/blob/main/../../../b/q/-/blob/main/x.yaml', 'https://gitlab.example.com')).toBeUndefined();
    expect(parseGitlabFileUrl('https://gitlab.example.com/a/p/-/blob/main/%2e%2e/x.yaml', 'https://gitlab.example.com')).toBeUndefined();
    expect(parseGitlabFileUrl('https://u:p@gitlab.example.com/a/p/-/blob/main/x.yaml', 'https://gitlab.example.com')).toBeUndefined();
  });

  it('annotates a remote GitLab file as Backstage does (edit and tree pages)', () => {
    expect(urlLocation('https://gitlab.example.com/a/b/p/-/blob/main/dir/x.yaml')).toMatchObject({
      editUrl: 'https://gitlab.example.com/a/b/p/-/edit/main/dir/x.yaml',
      sourceLocation: 'url:https://gitlab.example.com/a/b/p/-/tree/main/dir/',
    });
    expect(urlLocation('https://github.com/o/r/blob/main/x.yaml')).toMatchObject({ editUrl: 'https://github.com/o/r/edit/main/x.yaml', sourceLocation: 'url:https://github.com/o/r/tree/main/' });
  });
});
