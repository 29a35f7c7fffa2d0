import { describe, expect, it } from 'vitest';
import { webUrlOf } from '../../src/github/client.js';
import { parseGithubFileUrl } from '../../src/github/file-url.js';

describe('parseGithubFileUrl', () => {
  it('reads blob, edit, tree and raw URLs on github.com', () => {
    expect(parseGithubFileUrl('https://github.com/acme/payments/blob/main/catalog-info.yaml')).toEqual({ host: 'github.com', owner: 'acme', repo: 'payments', ref: 'main', path: 'catalog-info.yaml' });
    expect(parseGithubFileUrl('https://github.com/acme/payments/edit/main/catalog-info.yaml').path).toBe('catalog-info.yaml');
    expect(parseGithubFileUrl('https://github.com/acme/payments/tree/main/services/api')).toMatchObject({ ref: 'main', path: 'services/api' });
    expect(parseGithubFileUrl('https://github.com/acme/payments/tree/main')).toMatchObject({ ref: 'main', path: '' });
    expect(parseGithubFileUrl('https://github.com/acme/payments/raw/v1.2.0/a.yaml')).toMatchObject({ ref: 'v1.2.0', path: 'a.yaml' });
  });

  it('reads nested paths, commit shas, encoded names, query and fragment', () => {
    expect(parseGithubFileUrl('https://github.com/acme/my.repo_x/blob/0123456789abcdef0123456789abcdef01234567/services/api/catalog-info.yaml?plain=1#L4')).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'my.repo_x',
      ref: '0123456789abcdef0123456789abcdef01234567',
      path: 'services/api/catalog-info.yaml',
    });
    expect(parseGithubFileUrl('https://github.com/acme/docs/blob/main/team%20pages/catalog%20info.yaml').path).toBe('team pages/catalog info.yaml');
  });

  it('reads the url: form of backstage.io/managed-by-location', () => {
    expect(parseGithubFileUrl('url:https://github.com/acme/payments/blob/main/catalog-info.yaml')).toMatchObject({ owner: 'acme', repo: 'payments', path: 'catalog-info.yaml' });
  });

  it('keeps the GitHub Enterprise host (and port) so the caller can match it with GITHUB_API_URL', () => {
    const loc = parseGithubFileUrl('https://GHE.example.com:8443/platform/ledger/edit/trunk/catalog-info.yaml');
    expect(loc).toEqual({ host: 'ghe.example.com:8443', owner: 'platform', repo: 'ledger', ref: 'trunk', path: 'catalog-info.yaml' });
    expect(new URL(webUrlOf('https://ghe.example.com:8443/api/v3')).host).toBe(loc.host);
  });

  it('refuses what is not a GitHub file URL, saying why', () => {
    const cases: [string, RegExp][] = [
      ['not a url', /not a URL/],
      ['file:///etc/passwd', /scheme file: is not http\(s\)/],
      ['https://github.com/acme/payments', /expected \/<owner>\/<repo>\/blob\/<ref>\/<path>/],
      ['https://github.com/acme/payments/blob/main', /no file path/],
      ['https://gitlab.com/acme/payments/-/blob/main/catalog-info.yaml', /"-" is not blob, edit, tree or raw/],
      ['https://github.com/acme/payments/commits/main/catalog-info.yaml', /"commits" is not blob/],
      ['https://github.com/acme/payments/blob/main/../../secrets.yaml', /the path leaves the repository/],
      ['https://github.com/acme/payments/blob/main/a/%2e%2e/b.yaml', /the path leaves the repository/],
      ['https://github.com/acme/payments/blob/main/a%2F..%2F..%2Fb.yaml', /the path leaves the repository/],
      ['https://user:secret@github.com/acme/payments/blob/main/a.yaml', /carries credentials/],
      ['https://github.com/ac%20me/payments/blob/main/a.yaml', /owner or repository name is not valid/],
      ['https://github.com/acme/payments/blob/main/%E0%A4%A', /bad percent-encoding/],
    ];
    for (const [url, message] of cases) expect(() => parseGithubFileUrl(url), url).toThrow(message);
    expect(() => parseGithubFileUrl('nope')).toThrow('not a GitHub file URL (not a URL): nope');
  });
});
