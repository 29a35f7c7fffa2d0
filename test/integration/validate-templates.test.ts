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
  it('names the actions Callsheet cannot run in the public templates, and nothing for those it can', async () => {
    const { code, text } = await validate([conformanceDir]);
    expect(code).toBe(1);
    expect(text).toContain('template:default/rails-demo cannot run in Callsheet: action fetch:rails (step fetch-base)');
    for (const ok of ['gitlab-merge-request', 'pull-request', 'docs-template-cookiecutter', 'example-nodejs-template', 'docs-template']) expect(text).not.toContain(`template:default/${ok} cannot run`);
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
