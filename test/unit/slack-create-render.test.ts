import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { blockIdOf, decodeState, errorsByBlock, FIELD_ACTION, hiddenValues, pageView, readPage, type CreateState } from '../../adapters/slack/render-form.js';
import { buildForm } from '../../src/scaffolder/form.js';
import type { Form } from '../../src/reply/form.js';
import { initialValues } from '../../src/scaffolder/form-values.js';
import { viewProblem } from '../fakes/slack-api.js';

const conformance = new URL('../fixtures/conformance/templates/', import.meta.url).pathname;
const shipped = new URL('../../templates/', import.meta.url).pathname;

function formOf(file: string): Form {
  const t = yaml.load(readFileSync(file, 'utf8')) as { metadata: { name: string; title?: string }; spec: { parameters: unknown } };
  return buildForm({ ref: `template:default/${t.metadata.name}`, title: t.metadata.title ?? t.metadata.name, parameters: t.spec.parameters });
}

const files = [
  ...readdirSync(conformance).map((d) => join(conformance, d, 'template.yaml')),
  ...readdirSync(shipped).map((d) => join(shipped, d, 'template.yaml')),
];

const form: Form = {
  templateRef: 'template:default/kitchen-sink',
  title: 'Kitchen sink',
  schemas: [{}],
  pages: [
    {
      title: 'Everything',
      schemaIndex: 0,
      fields: [
        { id: 'notes', path: ['notes'], label: 'Notes', required: false, type: 'textarea' },
        { id: 'secret', path: ['secret'], label: 'Secret', required: false, type: 'hidden', default: 'abc' },
        { id: 'flags', path: ['flags'], label: 'Flags', required: false, type: 'multiselect', options: [{ value: 'a', label: 'A' }, { value: { deep: 1 }, label: 'Deep' }] },
        { id: 'agree', path: ['agree'], label: 'Agree', required: true, type: 'checkbox' },
        { id: 'tags', path: ['tags'], label: 'Tags', required: false, type: 'tags' },
        { id: 'count', path: ['opts', 'count'], label: 'Count', required: false, type: 'number', integer: true },
        { id: 'repo', path: ['repo'], label: 'Repo', required: false, type: 'repoUrl', allowedHosts: ['github.com'], allowedOwners: [], allowedRepos: [] },
        { id: 'extra', path: ['extra'], label: 'Extra', required: true, type: 'text', when: [{ field: 'agree', in: [true] }] },
      ],
    },
  ],
};
const state: CreateState = { t: form.templateRef, p: 0, vals: hiddenValues(form) };

describe('forms as Slack modal pages', () => {
  it.each(files.map((f) => [f.split('/').slice(-2, -1)[0], f]))('every page of %s renders within Slack limits', (_name, file) => {
    const f = formOf(file);
    f.pages.forEach((_, i) => {
      const view = pageView(f, i, { values: initialValues(f), state: { t: f.templateRef, p: i, vals: hiddenValues(f) } });
      expect(view).toBeDefined();
      expect(viewProblem(view)).toBeUndefined();
    });
  });

  it('renders each field type as its Slack element; hidden fields travel in the state only', () => {
    const view = pageView(form, 0, { values: { ...initialValues(form), flags: [{ deep: 1 }], repo: 'github.com?owner=acme&repo=x' }, state })!;
    expect(viewProblem(view)).toBeUndefined();
    const inputs = view.blocks.filter((b) => b.type === 'input') as any[];
    expect(inputs.map((b) => [b.block_id, b.element.type])).toEqual([
      ['f:notes', 'plain_text_input'],
      ['f:flags', 'multi_static_select'],
      ['f:agree', 'checkboxes'],
      ['f:tags', 'plain_text_input'],
      ['f:count', 'number_input'],
      ['f:repo', 'plain_text_input'],
    ]);
    expect(inputs[0].element.multiline).toBe(true);
    expect(inputs[1].element.initial_options).toEqual([{ text: { type: 'plain_text', text: 'Deep', emoji: true }, value: '1' }]);
    expect(inputs[2]).toMatchObject({ optional: true, dispatch_action: true });
    expect(inputs[5].element.initial_value).toBe('github.com/acme/x');
    expect(decodeState(view.private_metadata).vals).toEqual({ secret: 'abc' });
  });

  it('reads a submitted page back into values, coercing each type, and shows conditional fields when they apply', () => {
    const submitted = {
      [blockIdOf('notes')]: { [FIELD_ACTION]: { value: 'line 1\nline 2' } },
      [blockIdOf('flags')]: { [FIELD_ACTION]: { selected_options: [{ value: '0' }, { value: '1' }] } },
      [blockIdOf('agree')]: { [FIELD_ACTION]: { selected_options: [{ value: 'true' }] } },
      [blockIdOf('tags')]: { [FIELD_ACTION]: { value: 'a, b' } },
      [blockIdOf('count')]: { [FIELD_ACTION]: { value: '3' } },
      [blockIdOf('repo')]: { [FIELD_ACTION]: { value: 'https://github.com/acme/pay.git' } },
    };
    const read = readPage(form, 0, state.vals, submitted);
    expect(read.errors).toEqual([]);
    expect(read.values).toEqual({ secret: 'abc', notes: 'line 1\nline 2', flags: ['a', { deep: 1 }], agree: true, tags: ['a', 'b'], opts: { count: 3 }, repo: 'github.com?owner=acme&repo=pay' });
    expect(read.shown.map((f) => f.id)).toContain('extra');
    const unticked = readPage(form, 0, state.vals, { ...submitted, [blockIdOf('agree')]: { [FIELD_ACTION]: { selected_options: [] } }, [blockIdOf('extra')]: { [FIELD_ACTION]: { value: 'x' } } });
    expect(unticked.values.agree).toBe(false);
    expect(unticked.values).not.toHaveProperty('extra');
    const bad = readPage(form, 0, state.vals, { ...submitted, [blockIdOf('repo')]: { [FIELD_ACTION]: { value: 'not a repo' } } });
    expect(bad.errors).toEqual([{ field: 'repo', message: 'expected host/owner/repo, e.g. github.com/acme/payments-api' }]);
  });

  it('puts errors on their block, and errors of no shown field on the first input', () => {
    const shown = form.pages[0].fields.filter((f) => f.type !== 'hidden' && !f.when);
    expect(errorsByBlock([{ field: 'count', message: 'must be >= 1' }, { field: '', message: 'values must be unique' }, { field: 'elsewhere', message: 'is required' }], shown)).toEqual({
      'f:count': 'must be >= 1',
      'f:notes': 'values must be unique; elsewhere: is required',
    });
  });

  it('refuses a page whose answers no longer fit in private_metadata', () => {
    expect(pageView(form, 0, { values: {}, state: { ...state, vals: { notes: 'x'.repeat(3000) } } })).toBeUndefined();
  });
});
