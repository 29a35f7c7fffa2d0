import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { validateCli } from '../../src/cli/validate.js';
import { component, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), env: {}, lines };
}

// A central all.yaml naming files of other repositories, as organisations keep them.
const allYaml = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: all
spec:
  type: url
  targets:
    - https://github.com/acme/billing/blob/main/catalog-info.yaml
    - ./local.yaml
`;

describe('callsheet validate: type url Location targets', () => {
  it('reports a required url target as not checked (a notice), and does not fail', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'all.yaml': allYaml.replace(/    - \.\/local\.yaml\n/, ''), 'svc/catalog-info.yaml': component('svc') });
    const rel = relative(process.cwd(), join(dir, 'all.yaml'));
    const text = capture();
    expect(await validateCli([dir], text)).toBe(0);
    expect(text.lines[0]).toBe(`${rel}:1: notice: location:default/all: target "https://github.com/acme/billing/blob/main/catalog-info.yaml" is in another repository and was not checked (validate reads only the files given)`);
    expect(text.lines.at(-1)).toBe('OK: 2 entities in 2 file(s), no problems, 1 notice(s)');

    const gh = capture();
    expect(await validateCli([dir, '--format', 'github'], gh)).toBe(0);
    expect(gh.lines[0]).toMatch(/^::notice file=.*all\.yaml,line=1,title=callsheet validate%3A location%3Adefault\/all::location:default\/all: target "https:\/\/github.com\/acme\/billing/);

    const json = capture();
    expect(await validateCli([dir, '--format', 'json'], json)).toBe(0);
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({ ok: true, errors: 0, warnings: 0, notices: 1, findings: [{ severity: 'notice', filePath: rel, line: 1, entityRef: 'location:default/all' }] });
  });

  it('still reads and checks the local targets of the same Location, and fails on what is wrong there', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'all.yaml': allYaml.replace('type: url', 'type: file'), 'local.yaml': component('Not Valid') });
    const io = capture();
    expect(await validateCli([join(dir, 'all.yaml')], io)).toBe(1);
    expect(io.lines.join('\n')).toContain('not valid');
    expect(io.lines.join('\n')).not.toContain('url targets and placeholders are not read');
  });

  it('a url target with glob characters is still an error', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'all.yaml': allYaml.replace('blob/main/catalog-info.yaml', 'blob/main/*.yaml').replace(/    - \.\/local\.yaml\n/, '') });
    const io = capture();
    expect(await validateCli([dir], io)).toBe(1);
    expect(io.lines.join('\n')).toContain('cannot be searched');
  });
});
