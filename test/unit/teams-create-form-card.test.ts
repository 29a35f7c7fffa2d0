/** The Teams form card: every field type renders as a clean Adaptive Card input and reads back. */
import { describe, expect, it } from 'vitest';
import { readPage, renderFormCard, type FormState } from '../../adapters/teams/render-form-card.js';
import { buildForm } from '../../src/scaffolder/form.js';
import { initialValues } from '../../src/scaffolder/form-values.js';
import { expectValidCard } from '../helpers/teams.js';

const form = buildForm({
  ref: 'template:default/kitchen-sink',
  title: 'Kitchen sink',
  parameters: [
    {
      title: 'Everything',
      required: ['name', 'size'],
      properties: {
        name: { title: 'Name', type: 'string', pattern: '^[a-z]+$', maxLength: 20 },
        notes: { title: 'Notes', type: 'string', 'ui:widget': 'textarea' },
        secret: { title: 'Secret', type: 'string', 'ui:field': 'Secret', 'ui:widget': 'password' },
        size: { title: 'Size', type: 'number', enum: [1, 2, 3], enumNames: ['Small', 'Medium', 'Large'] },
        colours: { title: 'Colours', type: 'array', uniqueItems: true, items: { type: 'string', enum: ['red', 'green', 'blue'] }, 'ui:widget': 'checkboxes' },
        tags: { title: 'Tags', type: 'array', items: { type: 'string' }, 'ui:field': 'EntityTagsPicker' },
        public: { title: 'Public', type: 'boolean' },
        replicas: { title: 'Replicas', type: 'integer', minimum: 1, maximum: 9 },
        region: { title: 'Region', type: 'string', default: 'eu', 'ui:widget': 'hidden' },
      },
    },
  ],
});

function card(state: FormState, errors = []) {
  const c = renderFormCard({ form, state, dialogId: 'scaffolder.open', errors });
  expectValidCard(c);
  return c;
}

const byLabel = (c: ReturnType<typeof card>, label: string) => c.body.find((e) => e.label === label)!;

describe('Teams form card', () => {
  const state: FormState = { template: form.templateRef, page: 0, values: initialValues(form) };

  it('renders each field type as its Adaptive Card input, hidden fields only in the data', () => {
    const c = card(state);
    expect(byLabel(c, 'Name')).toMatchObject({ type: 'Input.Text', regex: '^[a-z]+$', maxLength: 20, isRequired: true });
    expect(byLabel(c, 'Notes')).toMatchObject({ type: 'Input.Text', isMultiline: true });
    expect(byLabel(c, 'Size')).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded', choices: [{ title: 'Small', value: '0' }, { title: 'Medium', value: '1' }, { title: 'Large', value: '2' }] });
    expect(byLabel(c, 'Colours')).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true });
    expect(byLabel(c, 'Tags')).toMatchObject({ type: 'Input.Text', placeholder: expect.stringContaining('Comma-separated') });
    expect(byLabel(c, 'Public')).toMatchObject({ type: 'Input.Toggle', value: 'false', valueOn: 'true', valueOff: 'false' });
    expect(byLabel(c, 'Replicas')).toMatchObject({ type: 'Input.Number', min: 1, max: 9 });
    expect(byLabel(c, 'Region')).toBeUndefined();
    expect(JSON.stringify(c.actions)).toContain('"region":"eu"');
  });

  it('reads the inputs back as typed values, keeping hidden values', () => {
    const c = card(state);
    const id = (label: string) => String(byLabel(c, label).id);
    const read = readPage(form, state, { [id('Name')]: 'web', [id('Size')]: '2', [id('Colours')]: '0,2', [id('Tags')]: 'a, b', [id('Public')]: 'true', [id('Replicas')]: '3', [id('Notes')]: '' });
    expect(read.errors).toEqual([]);
    expect(read.values).toMatchObject({ name: 'web', size: 3, colours: ['red', 'blue'], tags: ['a', 'b'], public: true, replicas: 3, region: 'eu' });
    expect(read.values.notes).toBeUndefined();
    const again = card({ ...state, values: read.values });
    expect(byLabel(again, 'Colours')).toMatchObject({ value: '0,2' });
    expect(byLabel(again, 'Replicas')).toMatchObject({ value: 3 });
  });

  it('reports what cannot be read, and shows server errors on their fields', () => {
    const c = card(state);
    const id = (label: string) => String(byLabel(c, label).id);
    expect(readPage(form, state, { [id('Size')]: '7', [id('Replicas')]: 'many' }).errors).toEqual([
      { field: 'size', message: 'is not one of the choices' },
      { field: 'replicas', message: 'expected a number' },
    ]);
    const shown = card(state, [{ field: 'name', message: 'is required' }, { field: '', message: 'Something about the whole form' }] as never);
    expect(byLabel(shown, 'Name')).toMatchObject({ errorMessage: 'Name is required' });
    expect(JSON.stringify(shown.body)).toContain('⚠ Something about the whole form');
  });
});
