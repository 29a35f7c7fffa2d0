import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { buildForm } from '../../src/scaffolder/form.js';
import { fitsSlackModal, slackModalProblems, SLACK_MODAL_LIMITS } from '../../src/scaffolder/form-limits.js';
import type { Field, Form } from '../../src/reply/form.js';
import { coerceAnswer, initialValues, isVisible, setPath } from '../../src/scaffolder/form-values.js';
import { validatePage, validateValues } from '../../src/scaffolder/validate-values.js';

const conformance = new URL('../fixtures/conformance/templates/', import.meta.url).pathname;
const shipped = new URL('../../templates/', import.meta.url).pathname;

function load(path: string) {
  const entity = yaml.load(readFileSync(path, 'utf8')) as { metadata: { name: string; title?: string }; spec: { parameters: unknown } };
  return buildForm({ ref: `template:default/${entity.metadata.name}`, title: entity.metadata.title, parameters: entity.spec.parameters });
}

function field(form: Form, id: string): Field {
  const found = form.pages.flatMap((p) => p.fields).find((f) => f.id === id);
  if (!found) throw new Error(`no field ${id}`);
  return found;
}

const templateFiles = [
  ...readdirSync(conformance).map((d) => join(conformance, d, 'template.yaml')),
  ...readdirSync(shipped).map((d) => join(shipped, d, 'template.yaml')),
];

describe('forms from real templates', () => {
  it('has all ten conformance templates and the three shipped ones', () => {
    expect(templateFiles).toHaveLength(13);
  });

  it.each(templateFiles)('%s becomes a form within Slack modal limits', (file) => {
    const form = load(file);
    expect(form.pages.length).toBeGreaterThan(0);
    expect(form.pages.every((p) => p.fields.length > 0)).toBe(true);
    expect(slackModalProblems(form)).toEqual([]);
    expect(fitsSlackModal(form)).toBe(true);
  });

  it('maps the pickers of create-app and rails-demo', () => {
    const createApp = load(join(conformance, 'create-app/template.yaml'));
    expect(field(createApp, 'name')).toMatchObject({ type: 'text', required: true, pattern: expect.any(String), maxLength: 63 });
    expect(field(createApp, 'repoUrl')).toMatchObject({ type: 'repoUrl', allowedHosts: ['github.com'], required: true });
    const rails = load(join(conformance, 'backstage-software-templates--rails-demo/template.yaml'));
    expect(field(rails, 'owner')).toMatchObject({ type: 'entity', kinds: ['Group'] });
    expect(field(rails, 'system')).toMatchObject({ type: 'entity', kinds: ['System'], defaultKind: 'System' });
    expect(field(rails, 'dryRun')).toMatchObject({ type: 'checkbox', default: false, required: true });
    expect(field(rails, 'railsArguments.database')).toMatchObject({ type: 'select', path: ['railsArguments', 'database'] });
    expect((field(rails, 'railsArguments.database') as { options: unknown[] }).options).toHaveLength(9);
    expect(field(rails, 'railsArguments.template')).toMatchObject({ type: 'text', default: './rails-template-file.rb' });
  });

  it('turns the unknown ui:options of clean-architecture into plain text fields', () => {
    const form = load(join(conformance, 'backstage-software-templates--clean-architecture-app/template.yaml'));
    expect(field(form, 'package')).toMatchObject({ type: 'text', help: 'You can specify the main or default package of your project' });
  });
});

describe('buildForm', () => {
  const form = buildForm({
    ref: 'template:default/x',
    title: 'X',
    parameters: {
      title: 'Only page',
      required: ['name', 'kind'],
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z]+$', minLength: 2, maxLength: 10, description: 'the name' },
        notes: { type: 'string', 'ui:widget': 'textarea' },
        token: { type: 'string', 'ui:widget': 'password' },
        secretDefault: { type: 'string', 'ui:widget': 'hidden', default: 'h' },
        kind: { type: 'string', enum: ['a', 'b'], enumNames: ['Alpha', 'Beta'] },
        flags: { type: 'array', items: { type: 'string', enum: ['x', 'y'] }, uniqueItems: true },
        count: { type: 'integer', minimum: 1, default: 3 },
        ratio: { type: 'number' },
        enabled: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' }, 'ui:field': 'EntityTagsPicker' },
        group: { type: 'string', 'ui:field': 'MyGroupsPicker' },
        mine: { type: 'string', 'ui:field': 'OwnedEntityPicker', 'ui:options': { allowedKinds: ['Component'], defaultNamespace: 'payments' } },
        owner: { type: 'string', 'ui:field': 'OwnerPicker', 'ui:options': { catalogFilter: [{ kind: 'Group', 'spec.type': 'team' }] } },
        repo: { type: 'string', 'ui:field': 'RepoUrlPicker', 'ui:options': { allowedHosts: ['github.com'], allowedOwners: ['acme'] } },
        custom: { type: 'string', 'ui:field': 'AcmeCostCenterPicker', description: 'Cost center code' },
        color: { type: 'string', oneOf: [{ const: 'r', title: 'Red' }, { const: 'g', title: 'Green' }] },
      },
      dependencies: {
        kind: {
          oneOf: [
            { properties: { kind: { enum: ['a'] }, alphaOnly: { type: 'string', title: 'Alpha only' } }, required: ['alphaOnly'] },
            { properties: { kind: { enum: ['b'] }, betaOnly: { type: 'boolean' } } },
          ],
        },
      },
      if: { properties: { enabled: { const: true } } },
      then: { properties: { level: { type: 'integer' } }, required: ['level'] },
      else: { properties: { reason: { type: 'string' } } },
    },
  });

  it('maps every JSON Schema type and widget', () => {
    expect(field(form, 'name')).toMatchObject({ type: 'text', pattern: '^[a-z]+$', minLength: 2, maxLength: 10, help: 'the name', required: true });
    expect(field(form, 'notes').type).toBe('textarea');
    expect(field(form, 'token').type).toBe('password');
    expect(field(form, 'secretDefault')).toMatchObject({ type: 'hidden', default: 'h' });
    expect(field(form, 'kind')).toMatchObject({ type: 'select', options: [{ value: 'a', label: 'Alpha' }, { value: 'b', label: 'Beta' }] });
    expect(field(form, 'flags')).toMatchObject({ type: 'multiselect', options: [{ value: 'x' }, { value: 'y' }] });
    expect(field(form, 'count')).toMatchObject({ type: 'number', integer: true, minimum: 1, default: 3 });
    expect(field(form, 'ratio')).toMatchObject({ type: 'number', integer: false });
    expect(field(form, 'enabled').type).toBe('checkbox');
    expect(field(form, 'tags').type).toBe('tags');
    expect(field(form, 'group')).toMatchObject({ type: 'entity', kinds: ['Group'], scope: 'mine' });
    expect(field(form, 'mine')).toMatchObject({ type: 'entity', kinds: ['Component'], scope: 'owned', defaultNamespace: 'payments' });
    expect(field(form, 'owner')).toMatchObject({ type: 'entity', kinds: [], filter: [{ kind: 'Group', 'spec.type': 'team' }] });
    expect(field(form, 'repo')).toMatchObject({ type: 'repoUrl', allowedHosts: ['github.com'], allowedOwners: ['acme'] });
    expect(field(form, 'custom')).toMatchObject({ type: 'text', help: 'Cost center code' });
    expect(field(form, 'color')).toMatchObject({ type: 'select', options: [{ value: 'r', label: 'Red' }, { value: 'g', label: 'Green' }] });
  });

  it('turns dependencies and if/then/else into conditional fields', () => {
    const alpha = field(form, 'alphaOnly');
    expect(alpha).toMatchObject({ required: true, when: [{ field: 'kind', in: ['a'] }] });
    expect(isVisible(alpha, { kind: 'a' })).toBe(true);
    expect(isVisible(alpha, { kind: 'b' })).toBe(false);
    expect(isVisible(field(form, 'betaOnly'), { kind: 'b' })).toBe(true);
    expect(isVisible(field(form, 'level'), { enabled: true })).toBe(true);
    expect(isVisible(field(form, 'level'), { enabled: false })).toBe(false);
    expect(isVisible(field(form, 'reason'), { enabled: false })).toBe(true);
  });

  it('starts from defaults', () => {
    expect(initialValues(form)).toEqual({ secretDefault: 'h', count: 3, enabled: false });
  });

  it('validates with ajv and names the exact field', () => {
    const errors = validateValues(form, { name: 'AB', kind: 'a', count: 0 });
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.message]));
    expect(byField.name).toMatch(/pattern/);
    expect(byField.count).toMatch(/>= 1/);
    expect(byField.alphaOnly).toBe('is required');
    expect(validateValues(form, { ...initialValues(form), name: 'abc', kind: 'b', count: 2 })).toEqual([]);
  });

  it('reports errors inside nested objects on the nested field', () => {
    const nested = buildForm({ ref: 'template:default/n', parameters: [{ properties: { opts: { type: 'object', required: ['level'], properties: { level: { type: 'integer' } } } } }] });
    const errors = validateValues(nested, { opts: { level: 'high' } });
    expect(errors).toEqual([{ field: 'opts.level', message: 'must be integer' }]);
    expect(validateValues(nested, { opts: {} })).toEqual([{ field: 'opts.level', message: 'is required' }]);
  });

  it('validates a page against the merged values of all pages', () => {
    const paged = buildForm({
      ref: 'template:default/p',
      parameters: [
        { required: ['a'], properties: { a: { type: 'string' } } },
        { required: ['b'], properties: { b: { type: 'string', format: 'email' } } },
      ],
    });
    expect(validatePage(paged, 0, {})).toEqual([{ field: 'a', message: 'is required' }]);
    expect(validatePage(paged, 0, { a: 'x' })).toEqual([]);
    expect(validatePage(paged, 1, { a: 'x', b: 'not-an-email' })).toEqual([{ field: 'b', message: 'must match format "email"' }]);
  });

  it('splits a page with more fields than a modal can hold', () => {
    const properties = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, { type: 'string' }]));
    const big = buildForm({ ref: 'template:default/big', parameters: { title: 'Big', properties } });
    expect(big.pages.length).toBe(2);
    expect(big.pages[1].title).toBe('Big (continued)');
    expect(fitsSlackModal(big)).toBe(true);
  });

  it('keeps labels and option texts within Slack limits and flags too many options', () => {
    const long = 'x'.repeat(3000);
    const many = buildForm({
      ref: 'template:default/many',
      parameters: { properties: { a: { type: 'string', title: long, description: long }, b: { type: 'string', enum: Array.from({ length: 101 }, (_, i) => `${'o'.repeat(80)}${i}`) } } },
    });
    const a = field(many, 'a');
    expect([...a.label].length).toBe(SLACK_MODAL_LIMITS.label);
    expect([...(a.help ?? '')].length).toBe(SLACK_MODAL_LIMITS.hint);
    expect((field(many, 'b') as { options: { label: string }[] }).options[0].label.length).toBe(SLACK_MODAL_LIMITS.optionText);
    expect(slackModalProblems(many)).toEqual([expect.stringContaining('101 options')]);
  });
});

describe('coerceAnswer', () => {
  const form = buildForm({
    ref: 'template:default/c',
    parameters: { properties: { ok: { type: 'boolean' }, n: { type: 'integer' }, pick: { type: 'string', enum: ['a', 'b'], enumNames: ['Alpha', 'Beta'] }, many: { type: 'array', items: { enum: ['x', 'y'] } }, repo: { type: 'string', 'ui:field': 'RepoUrlPicker' }, obj: { type: 'object' } } },
  });
  it('turns typed text into typed values', () => {
    expect(coerceAnswer(field(form, 'ok'), 'yes')).toEqual({ ok: true, value: true });
    expect(coerceAnswer(field(form, 'ok'), 'maybe').ok).toBe(false);
    expect(coerceAnswer(field(form, 'n'), '4')).toEqual({ ok: true, value: 4 });
    expect(coerceAnswer(field(form, 'n'), '4.5').ok).toBe(false);
    expect(coerceAnswer(field(form, 'pick'), 'beta')).toEqual({ ok: true, value: 'b' });
    expect(coerceAnswer(field(form, 'pick'), '1')).toEqual({ ok: true, value: 'a' });
    expect(coerceAnswer(field(form, 'many'), 'x, y')).toEqual({ ok: true, value: ['x', 'y'] });
    expect(coerceAnswer(field(form, 'repo'), 'https://github.com/acme/pay.git')).toEqual({ ok: true, value: 'github.com?owner=acme&repo=pay' });
    expect(coerceAnswer(field(form, 'obj'), '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(coerceAnswer(field(form, 'obj'), '{').ok).toBe(false);
    expect(setPath({}, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
  });
});
