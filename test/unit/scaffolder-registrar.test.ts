import { describe, expect, it } from 'vitest';
import { sourceSpecOf } from '../../src/scaffolder/registrar.js';

describe('sourceSpecOf: what catalog:register adds as a source', () => {
  it('reads a repository on the configured GitHub through the API', () => {
    expect(sourceSpecOf('https://github.com/acme/ledger-api#main', 'https://github.com')).toBe('github:acme/ledger-api');
    expect(sourceSpecOf('https://github.com/acme/ledger-api.git', 'https://github.com')).toBe('github:acme/ledger-api');
    expect(sourceSpecOf('https://GHE.example.com/acme/ledger-api#main', 'https://ghe.example.com')).toBe('github:acme/ledger-api');
    expect(sourceSpecOf('http://127.0.0.1:4000/acme/ledger-api#main', 'http://127.0.0.1:4000')).toBe('github:acme/ledger-api');
  });

  it('leaves other hosts, other URL shapes and a GitHub it has no access to as git sources', () => {
    expect(sourceSpecOf('https://gitlab.com/acme/ledger-api#main', 'https://github.com')).toBe('https://gitlab.com/acme/ledger-api#main');
    expect(sourceSpecOf('https://github.com/acme/ledger-api#main', undefined)).toBe('https://github.com/acme/ledger-api#main');
    expect(sourceSpecOf('https://github.com/acme/ledger-api/tree/main/sub', 'https://github.com')).toBe('https://github.com/acme/ledger-api/tree/main/sub');
    expect(sourceSpecOf('https://user:secret@github.com/acme/ledger-api', 'https://github.com')).toBe('https://user:secret@github.com/acme/ledger-api');
    expect(sourceSpecOf('file:///data/repos/ledger-api.git#main', 'https://github.com')).toBe('file:///data/repos/ledger-api.git#main');
    expect(sourceSpecOf('./catalog', 'https://github.com')).toBe('./catalog');
  });
});
