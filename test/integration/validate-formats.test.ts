import { relative, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { validateCli } from '../../src/cli/validate.js';
import { component, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), env: {}, lines };
}

const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc
spec:
  owner: team-a
  type: service
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
`;

describe('callsheet validate --format and --catalog', () => {
  it('prints GitHub Actions annotations and JSON, with the same exit codes', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'bad/catalog-info.yaml': component('Not Valid'), 'ok/catalog-info.yaml': component('fine') });
    const rel = relative(process.cwd(), join(dir, 'bad/catalog-info.yaml'));
    const gh = capture();
    expect(await validateCli([dir, '--format', 'github'], gh)).toBe(1);
    expect(gh.lines[0]).toMatch(new RegExp(`^::error file=${rel.replace(/[.]/g, '\\.')},line=1,title=callsheet validate%3A component%3Adefault/not valid::component:default/not valid: `));
    expect(gh.lines.at(-1)).toMatch(/1 problem\(s\); 1 valid entities in 2 file\(s\)/);

    const json = capture();
    expect(await validateCli(['--format', 'json', dir], json)).toBe(1);
    const parsed = JSON.parse(json.lines.join('\n'));
    expect(parsed).toMatchObject({ ok: false, entities: 1, files: 2, errors: 1, warnings: 0, findings: [{ severity: 'error', filePath: rel, line: 1 }] });

    expect(await validateCli([dir, '--format', 'xml'], capture())).toBe(2);
  });

  it('--catalog warns on references that point nowhere, without failing', async () => {
    const org = await tempDir();
    await writeFiles(org, { 'groups.yaml': group('team-a') });
    const repo = await tempDir();
    await writeFiles(repo, { 'catalog-info.yaml': component('svc-a', 'team-a') + '---\n' + component('svc-b', 'team-typo') });
    const text = capture();
    expect(await validateCli([repo, '--catalog', org], text)).toBe(0);
    const rel = relative(process.cwd(), join(repo, 'catalog-info.yaml'));
    expect(text.lines).toEqual([`${rel}:17: warning: component:default/svc-b: ownedBy group:default/team-typo, which is not in the catalog`, 'OK: 2 entities in 1 file(s), no problems, 1 warning(s)']);
    const gh = capture();
    expect(await validateCli([repo, '--catalog', org, '--format', 'github'], gh)).toBe(0);
    expect(gh.lines[0]).toMatch(/^::warning file=.*,line=17,title=.*::component:default\/svc-b: ownedBy group:default\/team-typo/);
    // Without --catalog nothing is known to be missing.
    const plain = capture();
    expect(await validateCli([repo], plain)).toBe(0);
    expect(plain.lines).toEqual(['OK: 2 entities in 1 file(s), no problems']);
  });

  it('does not report a template skeleton\'s catalog-info.yaml as a catalog problem', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'svc/template.yaml': template,
      'svc/skeleton/catalog-info.yaml': component('${{ values.name }}', '${{ values.owner }}'),
      'other/catalog-info.yaml': component('Still Bad'),
    });
    const io = capture();
    expect(await validateCli([dir], io)).toBe(1);
    expect(io.lines.join('\n')).not.toContain('skeleton');
    expect(io.lines.join('\n')).toContain('other/catalog-info.yaml');
    expect(io.lines.at(-1)).toMatch(/1 problem\(s\); 1 valid entities/);
  });
});
