/**
 * One page of a scaffolder Form as the Adaptive Card of a Teams dialog, and the page's inputs read
 * back into form values. Inputs are named by their position on the page (`f0`, `f1`, ...), so field
 * ids (dotted paths) never collide with the card's own data; choices carry the option's index, so
 * any JSON option value survives the round trip.
 */
import type { EntityField, Field, FieldError, Form, Option, Page } from '../../src/reply/form.js';
import { repoUrlPlaceholder } from '../../src/reply/form.js';
import { coerceAnswer, getPath, isVisible, setPath, type Values } from '../../src/scaffolder/form-values.js';
import { CARD_VERSION, type CardJson } from './render-card.js';
import { datasetOf } from './task-module.js';
import { cardPlain } from './card-text.js';

/** What the dialog carries from turn to turn: the template, the page shown, the values so far. */
export interface FormState {
  template: string;
  page: number;
  values: Values;
}

export interface FormCardOptions {
  form: Form;
  state: FormState;
  /** The dialog id the card's buttons and pickers report to. */
  dialogId: string;
  errors?: FieldError[];
  /** Static choices of each entity picker on the page, by field id. */
  entityChoices?: Map<string, Option[]>;
}

/** Entity choices put in the card; the rest are found by typeahead (Data.Query). */
export const STATIC_ENTITY_CHOICES = 25;

export const inputId = (index: number) => `f${index}`;

/**
 * Whether a field is on the page as rendered. Adaptive Cards in Teams dialogs (1.5) cannot show or
 * hide an input while the user types, so a condition is decided on the values the card is drawn with
 * (defaults, earlier answers); a choice that changes which fields apply is caught on submit and the
 * page drawn again with them (create-dialog.ts, `shownIds`), as the Slack modal does.
 */
function placement(field: Field, values: Values): 'shown' | 'absent' {
  if (field.type === 'hidden') return 'absent';
  return isVisible(field, values) ? 'shown' : 'absent';
}

/** Ids of the page's fields that apply to these values (shown as inputs). */
export function shownIds(page: Page, values: Values): string[] {
  return page.fields.filter((f) => placement(f, values) === 'shown').map((f) => f.id);
}

/** Template text keeps its markdown, but never a mention, and is cut between code points. */
function text(value: string): string {
  return cardPlain(value);
}

function optionIndex(options: Option[], value: unknown): string | undefined {
  const i = options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(value));
  return i >= 0 ? String(i) : undefined;
}

function asText(field: Field, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.type === 'tags' || (field.type === 'entity' && Array.isArray(value))) return Array.isArray(value) ? value.join(', ') : String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function entityInput(field: EntityField, id: string, value: unknown, options: FormCardOptions): Record<string, unknown> {
  const current = (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(String);
  const choices = [...(options.entityChoices?.get(field.id) ?? [])].slice(0, STATIC_ENTITY_CHOICES).map((o) => ({ title: o.label, value: String(o.value) }));
  // A value picked by typeahead must stay selectable when the page comes back (errors, Back).
  for (const ref of current) if (!choices.some((c) => c.value === ref)) choices.push({ title: ref, value: ref });
  const what = field.kinds.length > 0 ? field.kinds.join(' or ') : 'entity';
  // An Input.ChoiceSet without a choice is an invalid card: with nothing to pick, a typed ref where
  // Backstage allows one, else a note (a required field then fails on submit, with the reason).
  if (choices.length === 0 && field.allowArbitraryValues) return { type: 'Input.Text', id, placeholder: `No ${what} in the catalog yet: type a reference` };
  if (choices.length === 0) return { type: 'TextBlock', id, text: `No ${what} in the catalog matches this field yet.`, wrap: true, isSubtle: true };
  return {
    type: 'Input.ChoiceSet',
    id,
    style: 'filtered',
    choices,
    'choices.data': { type: 'Data.Query', dataset: datasetOf(options.dialogId, `${options.state.template}|${field.id}`) },
    ...(field.multiple ? { isMultiSelect: true } : {}),
    ...(current.length > 0 ? { value: current.join(',') } : {}),
    placeholder: field.placeholder ?? `Search ${field.kinds.length > 0 ? field.kinds.join(' or ') : 'the catalog'}`,
  };
}

function input(field: Field, id: string, value: unknown, options: FormCardOptions): Record<string, unknown> {
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'password':
    case 'tags':
    case 'repoUrl':
    case 'hidden': {
      const current = asText(field, value);
      return {
        type: 'Input.Text',
        id,
        ...(field.type === 'textarea' || (field.type === 'text' && field.json) ? { isMultiline: true } : {}),
        ...(field.type === 'password' ? { style: 'Password' } : {}),
        ...(field.type === 'text' && field.pattern ? { regex: field.pattern } : {}),
        ...((field.type === 'text' || field.type === 'textarea' || field.type === 'password') && field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(current !== undefined ? { value: current } : {}),
        placeholder:
          field.placeholder ??
          (field.type === 'tags' ? 'Comma-separated, e.g. payments, backend' : field.type === 'repoUrl' ? repoUrlPlaceholder(field) : undefined),
      };
    }
    case 'select':
    case 'multiselect': {
      const multi = field.type === 'multiselect';
      const picked = multi ? (Array.isArray(value) ? value : []).map((v) => optionIndex(field.options, v)).filter((v): v is string => v !== undefined).join(',') : optionIndex(field.options, value);
      return {
        type: 'Input.ChoiceSet',
        id,
        style: field.options.length <= 5 ? 'expanded' : 'compact',
        ...(multi ? { isMultiSelect: true } : {}),
        choices: field.options.map((o, i) => ({ title: o.label, value: String(i) })),
        ...(picked ? { value: picked } : {}),
      };
    }
    case 'checkbox':
      return { type: 'Input.Toggle', id, title: field.label, valueOn: 'true', valueOff: 'false', value: value === true ? 'true' : 'false' };
    case 'number':
      return {
        type: 'Input.Number',
        id,
        ...(field.minimum !== undefined ? { min: field.minimum } : {}),
        ...(field.maximum !== undefined ? { max: field.maximum } : {}),
        ...(typeof value === 'number' ? { value } : {}),
      };
    case 'entity':
      return entityInput(field, id, value, options);
  }
}

export function renderFormCard(options: FormCardOptions): CardJson {
  const { form, state } = options;
  const page = form.pages[state.page];
  if (!page) throw new Error(`form ${form.templateRef} has no page ${state.page + 1}`);
  const errors = options.errors ?? [];
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: text(form.title), size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: text(form.pages.length > 1 ? `Step ${state.page + 1} of ${form.pages.length}: ${page.title}` : page.title), weight: 'Bolder', wrap: true, spacing: 'Small' },
  ];
  if (page.description) body.push({ type: 'TextBlock', text: text(page.description), isSubtle: true, wrap: true });
  for (const error of errors.filter((e) => e.field === '' || !page.fields.some((f) => f.id === e.field))) {
    body.push({ type: 'TextBlock', text: text(`⚠ ${error.message}`), color: 'Attention', wrap: true });
  }
  page.fields.forEach((field, index) => {
    const where = placement(field, state.values);
    if (where === 'absent') return;
    const id = inputId(index);
    const error = errors.find((e) => e.field === field.id);
    // Teams checks `isRequired` (and `regex`) before submitting; the server checks everything again.
    const required = field.required && where === 'shown' && field.type !== 'checkbox';
    const errorMessage = error ? `${field.label} ${error.message}` : required ? `${field.label} is required` : undefined;
    const made = input(field, id, getPath(state.values, field.path), options);
    // A note in place of an input (an empty picker) carries its label in its text.
    const element: Record<string, unknown> =
      made.type === 'TextBlock'
        ? { ...made, text: text(`${field.label}: ${String(made.text)}`), spacing: 'Medium' }
        : { ...made, label: text(field.label), ...(required ? { isRequired: true } : {}), ...(errorMessage ? { errorMessage: text(errorMessage) } : {}), spacing: 'Medium' };
    if (element.placeholder === undefined) delete element.placeholder;
    body.push(element);
    const help = field.help;
    if (help) body.push({ type: 'TextBlock', text: text(help), isSubtle: true, size: 'Small', wrap: true, spacing: 'None' });
    if (error) body.push({ type: 'TextBlock', text: text(`⚠ ${field.label} ${error.message}`), color: 'Attention', size: 'Small', wrap: true, spacing: 'None' });
  });
  const last = state.page === form.pages.length - 1;
  // `shown` records which fields this card asked, so a submit can tell when a choice brought in others.
  const submit = (nav: 'next' | 'back' | 'preview') => ({ callsheet: 'dialog', id: options.dialogId, state, nav, shown: shownIds(page, state.values) });
  const actions: Array<Record<string, unknown>> = [];
  if (state.page > 0) actions.push({ type: 'Action.Submit', title: 'Back', data: submit('back'), associatedInputs: 'none' });
  if (last) actions.push({ type: 'Action.Submit', title: 'Preview', data: submit('preview') });
  actions.push({ type: 'Action.Submit', title: last ? 'Create' : 'Next', style: 'positive', data: submit('next') });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: form.title,
    body,
    actions,
  };
}

/** The page's inputs (as Teams submits them: strings) merged into `values`, with what could not be read. */
export function readPage(form: Form, state: FormState, data: Record<string, unknown>): { values: Values; errors: FieldError[] } {
  const page = form.pages[state.page];
  let values = state.values;
  const errors: FieldError[] = [];
  page.fields.forEach((field, index) => {
    if (placement(field, state.values) === 'absent') return;
    const raw = data[inputId(index)];
    const textValue = raw === undefined || raw === null ? '' : String(raw);
    let value: unknown;
    switch (field.type) {
      case 'select':
        value = textValue === '' ? undefined : field.options[Number(textValue)]?.value;
        if (textValue !== '' && value === undefined) errors.push({ field: field.id, message: 'is not one of the choices' });
        break;
      case 'multiselect': {
        const picked = textValue.split(',').filter(Boolean).map((i) => field.options[Number(i)]);
        if (picked.some((o) => o === undefined)) errors.push({ field: field.id, message: 'is not one of the choices' });
        value = picked.filter((o): o is Option => o !== undefined).map((o) => o.value);
        break;
      }
      case 'checkbox':
        value = textValue === 'true';
        break;
      default: {
        const coerced = coerceAnswer(field, textValue);
        if (!coerced.ok) errors.push({ field: field.id, message: coerced.message });
        value = coerced.ok ? coerced.value : undefined;
      }
    }
    values = setPath(values, field.path, value);
  });
  return { values, errors };
}
