import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { editEntityYaml } from '../../src/nudges/yaml-fix.js';

const file = `# Catalog of the billing repo
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing   # the main service
spec:
  type: service    # keep this spacing
  lifecycle: production
  owner: old-team
---
# The worker
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-worker
  # no description yet
spec:
  type: service
  lifecycle: experimental
  owner: old-team # TODO: who?
`;

describe('editEntityYaml', () => {
  it('edits the right document of a multi-document file and keeps the others byte for byte', () => {
    const out = editEntityYaml(file, { kind: 'Component', namespace: 'default', name: 'billing-worker' }, { owner: 'team-billing', description: 'Runs billing jobs' });
    const [first] = file.split('---\n');
    expect(out.startsWith(`${first}---\n`)).toBe(true);
    expect(out).toContain('# The worker');
    expect(out).toContain('# no description yet');
    expect(out).toContain('owner: team-billing # TODO: who?');
    const docs = parseAllDocuments(out).map((d) => d.toJS());
    expect(docs[1].spec.owner).toBe('team-billing');
    expect(docs[1].metadata.description).toBe('Runs billing jobs');
    expect(docs[0].spec.owner).toBe('old-team');
  });

  it('keeps comments of the edited first document and the rest of the file', () => {
    const out = editEntityYaml(file, { kind: 'component', namespace: 'default', name: 'BILLING' }, { system: 'payments', docs: 'dir:.' });
    expect(out).toContain('# Catalog of the billing repo');
    expect(out).toContain('name: billing # the main service');
    expect(out.slice(out.indexOf('---\n'))).toBe(file.slice(file.indexOf('---\n')));
    const [doc] = parseAllDocuments(out).map((d) => d.toJS());
    expect(doc.spec.system).toBe('payments');
    expect(doc.metadata.annotations['backstage.io/techdocs-ref']).toBe('dir:.');
  });

  it('adds a docs link to existing links', () => {
    const text = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\n  links:\n    - url: https://x.example/dash\n      title: Dashboard\nspec: {type: openapi}\n';
    const out = editEntityYaml(text, { kind: 'API', namespace: 'default', name: 'a' }, { docs: 'https://docs.example/a' });
    expect(parseAllDocuments(out)[0].toJS().metadata.links).toEqual([
      { url: 'https://x.example/dash', title: 'Dashboard' },
      { url: 'https://docs.example/a', title: 'Documentation', type: 'docs' },
    ]);
  });

  it('refuses files it cannot parse or that do not hold the entity, saying why', () => {
    expect(() => editEntityYaml(file, { kind: 'Component', namespace: 'default', name: 'nope' }, { owner: 'x' })).toThrow(/holds no Component default\/nope/);
    expect(() => editEntityYaml('kind: [unclosed', { kind: 'Component', namespace: 'default', name: 'x' }, { owner: 'x' })).toThrow(/does not parse/);
  });
});
