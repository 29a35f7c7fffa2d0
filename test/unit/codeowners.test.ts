import { describe, expect, it } from 'vitest';
import { codeownersFor, parseCodeowners } from '../../src/nudges/codeowners.js';

const FILE = `# Comments and blank lines are skipped

*                 @acme/everyone
*.yaml            @acme/yaml-people   # trailing comment
/catalog/         @acme/catalog
docs/**           docs@acme.test
apps/*/catalog-info.yaml @ann-gh @bob-gh
**/generated/     @acme/bots
/catalog/unowned.yaml
`;

describe('CODEOWNERS', () => {
  const rules = parseCodeowners(FILE);
  it.each([
    ['README.md', ['@acme/everyone']],
    ['catalog-info.yaml', ['@acme/yaml-people']],
    ['svc/catalog-info.yaml', ['@acme/yaml-people']],
    ['catalog/a/b.yaml', ['@acme/catalog']],
    ['catalog/unowned.yaml', []],
    ['docs/x/catalog-info.yaml', ['docs@acme.test']],
    ['apps/pay/catalog-info.yaml', ['@ann-gh', '@bob-gh']],
    ['apps/pay/deep/catalog-info.yaml', ['@acme/yaml-people']],
    ['x/generated/y.yaml', ['@acme/bots']],
    ['/catalog-info.yaml', ['@acme/yaml-people']],
  ])('%s -> %j (the last matching line wins)', (path, owners) => {
    expect(codeownersFor(rules, path)).toEqual(owners);
  });
  it('owns nothing without a matching line', () => {
    expect(codeownersFor(parseCodeowners('/only/ @a\n'), 'else/x.yaml')).toEqual([]);
  });
});
