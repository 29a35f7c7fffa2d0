import { describe, expect, it } from 'vitest';
import { refFromBackstageUrl } from '../../src/catalog/backstage-links.js';
import { repoPathOf } from '../../src/catalog/url-lookup.js';

describe('URLs pasted in chat -> what they name (issue 16)', () => {
  it('reads repository and path from code-host URLs', () => {
    expect(repoPathOf('https://github.com/Acme-Pay/Payments-API')).toEqual({ repo: 'github.com/acme-pay/payments-api', path: '' });
    expect(repoPathOf('https://github.com/acme/x/blob/main/src/a%20b.ts')).toEqual({ repo: 'github.com/acme/x', path: 'src/a b.ts' });
    expect(repoPathOf('https://github.com/acme/x/tree/main/services/pay/')).toEqual({ repo: 'github.com/acme/x', path: 'services/pay' });
    expect(repoPathOf('https://github.com/acme/x.git')).toEqual({ repo: 'github.com/acme/x', path: '' });
    expect(repoPathOf('https://github.com/acme')).toBeUndefined();
    expect(repoPathOf('javascript:alert(1)')).toBeUndefined();
    expect(repoPathOf('not a url')).toBeUndefined();
  });

  it('reads entity refs from Backstage pages on BACKSTAGE_URL only', () => {
    const base = 'https://backstage.acme.example/';
    expect(refFromBackstageUrl('https://backstage.acme.example/catalog/default/component/payments-api', base)).toBe('component:default/payments-api');
    expect(refFromBackstageUrl('https://backstage.acme.example/catalog/Finance/Component/Ledger/api?x=1', base)).toBe('component:finance/ledger');
    expect(refFromBackstageUrl('https://backstage.acme.example/docs/default/system/payments/', base)).toBe('system:default/payments');
    expect(refFromBackstageUrl('https://evil.example/catalog/default/component/payments-api', base)).toBeUndefined();
    expect(refFromBackstageUrl('https://backstage.acme.example/create', base)).toBeUndefined();
    expect(refFromBackstageUrl('https://backstage.acme.example/catalog/default/component/x', undefined)).toBeUndefined();
    // Backstage served under a path: only URLs beneath it.
    expect(refFromBackstageUrl('https://acme.example/backstage/catalog/default/api/x', 'https://acme.example/backstage')).toBe('api:default/x');
    expect(refFromBackstageUrl('https://acme.example/catalog/default/api/x', 'https://acme.example/backstage')).toBeUndefined();
  });
});
