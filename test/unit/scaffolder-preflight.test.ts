/** Which actions and fields stop a template before its form, and when a conditional step counts. */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { unsupportedParts } from '../../src/scaffolder/preflight.js';

const shipped = { entity: yaml.load(readFileSync(new URL('../../templates/typescript-service/template.yaml', import.meta.url), 'utf8')) as never };
const withoutGithub = (id: string) => id !== 'publish:github';

describe('preflight', () => {
  it('opens the form of a template whose missing action sits behind an if (it may be skipped)', () => {
    expect(unsupportedParts(shipped, withoutGithub)).toEqual([]);
  });

  it('refuses once the answers make that step run, and validate counts every step', () => {
    expect(unsupportedParts(shipped, withoutGithub, { publishTo: 'github' })).toEqual([{ kind: 'action', name: 'publish:github', where: expect.any(String) }]);
    expect(unsupportedParts(shipped, withoutGithub, { publishTo: 'git' })).toEqual([]);
    expect(unsupportedParts(shipped, withoutGithub, 'all')).toHaveLength(1);
  });

  it('names unconditional missing actions and custom fields', () => {
    const entity = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 't' }, spec: { parameters: [{ properties: { a: { type: 'string', 'ui:field': 'MyPicker' }, b: { type: 'string', 'ui:field': 'OwnerPicker' } } }], steps: [{ id: 's', action: 'fetch:rails' }] } };
    expect(unsupportedParts({ entity: entity as never }, () => false)).toEqual([
      { kind: 'action', name: 'fetch:rails', where: 's' },
      { kind: 'field', name: 'MyPicker', where: 'a' },
    ]);
  });
});
