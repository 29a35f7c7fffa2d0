/**
 * `callsheet validate` on template folders: a template using an action or a form field Callsheet
 * cannot run is reported with the action/field name (it would be refused before its form), and one
 * Callsheet can run is not.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCli } from '../../src/cli/validate.js';
import { conformanceDir } from '../helpers/conformance-bed.js';
import { tempDir, writeFiles } from '../helpers/sync-fixtures.js';

async function validate(args: string[]) {
  const out: string[] = [];
  const code = await validateCli(args, { out: (t) => out.push(t), err: (t) => out.push(t), env: {} });
  return { code, text: out.join('\n') };
}

describe('callsheet validate on templates', () => {
  it('passes every public template (rails-demo too: fetch:rails counts where a rails program is installed)', async () => {
    const { code, text } = await validate([conformanceDir]);
    expect(text).not.toContain('cannot run');
    expect(code, text).toBe(0);
  });

  it("names a Backstage action Callsheet does not implement", async () => {
    const dir = await tempDir('callsheet-validate-templates-');
    await writeFiles(dir, {
      'template.yaml': [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: pages }',
        'spec:',
        '  owner: group:default/team-a',
        '  type: service',
        '  steps:',
        '    - { id: pages, action: github:pages:enable, input: { repoUrl: github.com?owner=acme&repo=x } }',
        '',
      ].join('\n'),
    });
    const { code, text } = await validate([join(dir, 'template.yaml')]);
    expect(code).toBe(1);
    expect(text).toContain('template:default/pages cannot run in Callsheet: action github:pages:enable (step pages)');
  });

  it('names a custom form field', async () => {
    const dir = await tempDir('callsheet-validate-templates-');
    await writeFiles(dir, {
      'template.yaml': [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: custom-field }',
        'spec:',
        '  owner: group:default/team-a',
        '  type: service',
        '  parameters:',
        '    - properties:',
        '        cluster: { type: string, ui:field: KubernetesClusterPicker }',
        '  steps:',
        '    - { id: log, action: debug:log, input: { message: hi } }',
        '',
      ].join('\n'),
    });
    const { code, text } = await validate([join(dir, 'template.yaml')]);
    expect(code).toBe(1);
    expect(text).toContain('field KubernetesClusterPicker (parameter cluster) is not a field Callsheet can show');
  });
});
