/**
 * The scaffolder's neutral Form -> Slack modal pages, and a submitted page's state -> form values.
 * One page is one view: a heading block, then one input block per field showing (hidden fields are
 * carried in the modal state, never shown). Block ids are `f:<field id>`, so validation errors land
 * on the exact field.
 */
import type { types } from '@slack/bolt';
import { SLACK_MODAL_LIMITS as L, fitText } from '../../src/scaffolder/form-limits.js';
import type { Field, FieldError, Form, Option } from '../../src/reply/form.js';
import { coerceAnswer, getPath, isVisible, setPath, type Values } from '../../src/scaffolder/form-values.js';
import { elementOf, FIELD_ACTION, hintOf } from './form-elements.js';
import { clip, clipEscaped, escapeMrkdwn } from './mrkdwn.js';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

/** callback_id of a form page. */
export const FORM_PAGE = 'callsheet.create.page';
/** The last page's Preview button: a dry run of the answers (create-preview.ts). */
export const PREVIEW_ACTION = 'callsheet.create.preview';
export { entityOption, FIELD_ACTION, optionOf } from './form-elements.js';
const BLOCK_PREFIX = 'f:';

export const blockIdOf = (fieldId: string) => `${BLOCK_PREFIX}${fieldId}`;
export const fieldIdOf = (blockId: string) => (blockId.startsWith(BLOCK_PREFIX) ? blockId.slice(BLOCK_PREFIX.length) : undefined);

/** What a create modal carries from page to page (in `private_metadata`; replicas share nothing else). */
export interface CreateState {
  /** Template ref. */
  t: string;
  /** Page index. */
  p: number;
  /** Channel the command was typed in: where progress goes if a direct message cannot be opened. */
  c?: string;
  /** Values of the pages before this one, and hidden fields' values. */
  vals: Values;
}

/** The state as private_metadata, or undefined when it does not fit Slack's 3,000 characters. */
export function encodeState(state: CreateState): string | undefined {
  const text = JSON.stringify(state);
  return text.length <= L.privateMetadata ? text : undefined;
}

export function decodeState(raw: string | undefined): CreateState {
  const parsed: unknown = JSON.parse(raw || '{}');
  const s = parsed as Partial<CreateState>;
  if (typeof s !== 'object' || s === null || typeof s.t !== 'string' || typeof s.p !== 'number' || typeof s.vals !== 'object' || s.vals === null || Array.isArray(s.vals)) {
    throw new Error('the modal state is not a create form state');
  }
  return { t: s.t, p: s.p, vals: s.vals, ...(typeof s.c === 'string' ? { c: s.c } : {}) };
}

const plainText = (text: string, max: number) => ({ type: 'plain_text' as const, text: fitText(text.trim() || ' ', max), emoji: true });

/** Hidden fields start with their defaults; they travel in the state because no input carries them. */
export function hiddenValues(form: Form): Values {
  let values: Values = {};
  for (const field of form.pages.flatMap((p) => p.fields)) if (field.type === 'hidden' && field.default !== undefined) values = setPath(values, field.path, field.default);
  return values;
}

/** Field ids other fields' conditions look at: their inputs tell us at once when they change. */
function controllingIds(form: Form): Set<string> {
  return new Set(form.pages.flatMap((p) => p.fields.flatMap((f) => (f.when ?? []).map((c) => c.field))));
}

/** Fields of the page that show an input for these values. */
export function shownFields(form: Form, pageIndex: number, values: Values): Field[] {
  return form.pages[pageIndex].fields.filter((f) => f.type !== 'hidden' && isVisible(f, values));
}

export interface PageViewOptions {
  /** Values to show: carried values merged with what was typed on this page. */
  values: Values;
  state: CreateState;
  /** A line shown above the inputs (e.g. an error that belongs to no single field). */
  notice?: string;
}

/** One page of the form as a modal, or undefined when its state cannot be carried (too long). */
export function pageView(form: Form, pageIndex: number, options: PageViewOptions): ModalView | undefined {
  const page = form.pages[pageIndex];
  const metadata = encodeState({ ...options.state, p: pageIndex });
  if (!page || metadata === undefined) return undefined;
  const controls = controllingIds(form);
  const last = pageIndex === form.pages.length - 1;
  // The heading is mrkdwn: the template's page title is escaped so it cannot ping or link.
  const title = `*${escapeMrkdwn(page.title.replace(/\*/g, '∗'))}*`;
  const heading = form.pages.length > 1 ? `${title} (${pageIndex + 1} of ${form.pages.length})` : title;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: clipEscaped(heading, L.label) } }];
  const about = [page.description ?? (pageIndex === 0 ? form.description : undefined), options.notice].filter((t): t is string => !!t);
  if (about.length) blocks.push({ type: 'context', elements: [{ type: 'plain_text', text: clip(about.join(' '), L.label), emoji: true }] });
  for (const field of shownFields(form, pageIndex, options.values)) {
    const value = getPath(options.values, field.path) ?? field.default;
    const element = elementOf(field, value);
    if (!element) continue;
    const hint = hintOf(field);
    const input: types.InputBlock = {
      type: 'input',
      block_id: blockIdOf(field.id),
      label: plainText(field.label, L.label),
      optional: field.type === 'checkbox' || !field.required,
      ...(hint ? { hint: plainText(hint, L.hint) } : {}),
      ...(controls.has(field.id) ? { dispatch_action: true } : {}),
      element,
    };
    blocks.push(input);
  }
  if (last) blocks.push({ type: 'actions', block_id: 'preview', elements: [{ type: 'button', action_id: PREVIEW_ACTION, text: plainText('Preview (dry run)', 75), value: 'preview' }] });
  return {
    type: 'modal',
    callback_id: FORM_PAGE,
    title: plainText(form.title || 'Create', L.modalTitle),
    submit: plainText(last ? 'Create' : 'Next', L.modalTitle),
    close: plainText('Cancel', L.modalTitle),
    private_metadata: metadata,
    blocks,
  };
}

/** What Slack sends for one element in `view.state.values`. */
export interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
}

export type StateValues = Record<string, Record<string, ElementState>>;

function raw(field: Field, state: ElementState): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (field.type) {
    case 'select': {
      const i = Number(state.selected_option?.value);
      return { ok: true, value: state.selected_option ? field.options[i]?.value : undefined };
    }
    case 'multiselect': {
      const picked = (state.selected_options ?? []).map((o) => field.options[Number(o.value)]).filter((o): o is Option => !!o).map((o) => o.value);
      return { ok: true, value: picked.length ? picked : undefined };
    }
    case 'checkbox':
      return { ok: true, value: (state.selected_options ?? []).length > 0 };
    case 'entity': {
      if (field.multiple) {
        const refs = (state.selected_options ?? []).map((o) => o.value);
        return { ok: true, value: refs.length ? refs : undefined };
      }
      return { ok: true, value: state.selected_option?.value || undefined };
    }
    default:
      return coerceAnswer(field, state.value ?? '');
  }
}

/**
 * The page's submitted state on top of the carried values. Fields hidden by a condition are dropped;
 * `shown` lists the fields that now show, so a caller can tell when the page must be redrawn.
 */
export function readPage(form: Form, pageIndex: number, carried: Values, state: StateValues): { values: Values; errors: FieldError[]; shown: Field[] } {
  const page = form.pages[pageIndex];
  let values = carried;
  const errors: FieldError[] = [];
  for (const field of page.fields) {
    if (field.type === 'hidden') continue;
    const element = state[blockIdOf(field.id)]?.[FIELD_ACTION];
    if (!element) {
      values = setPath(values, field.path, undefined);
      continue;
    }
    const read = raw(field, element);
    if (read.ok) values = setPath(values, field.path, read.value);
    else errors.push({ field: field.id, message: read.message });
  }
  for (const field of page.fields) if (field.when && !isVisible(field, values)) values = setPath(values, field.path, undefined);
  return { values, errors, shown: shownFields(form, pageIndex, values) };
}

/**
 * Errors as `response_action: 'errors'` wants them: by block id. An error that belongs to no field
 * shown on this page goes on the first input, so it is never lost.
 */
export function errorsByBlock(errors: FieldError[], shown: Field[]): Record<string, string> {
  const out: Record<string, string> = {};
  const ids = new Set(shown.map((f) => f.id));
  const first = shown[0];
  for (const error of errors) {
    const target = ids.has(error.field) ? error.field : first?.id;
    if (target === undefined) continue;
    const block = blockIdOf(target);
    const label = ids.has(error.field) || !error.field ? error.message : `${error.field}: ${error.message}`;
    out[block] = clip(out[block] ? `${out[block]}; ${label}` : label, L.hint);
  }
  return out;
}
