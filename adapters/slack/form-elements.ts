/**
 * One form field as a Slack input element (and its hint). Values of selects are option indexes;
 * a select longer than Slack's 100 options becomes a typeahead answered by create-options.ts.
 */
import type { types } from '@slack/bolt';
import { parseRepoUrl } from '../../src/scaffolder/filters.js';
import { SLACK_MODAL_LIMITS as L, fitText } from '../../src/scaffolder/form-limits.js';
import type { Field, Option } from '../../src/reply/form.js';
import { repoUrlPlaceholder } from '../../src/reply/form.js';

/** action_id of every field's element. */
export const FIELD_ACTION = 'callsheet.create.field';

export const plainText = (text: string, max: number) => ({ type: 'plain_text' as const, text: fitText(text.trim() || ' ', max), emoji: true });

/** A select's option; its value is the option's index (values may be long or not strings). */
export function optionOf(option: Option, index: number) {
  return { text: plainText(option.label, L.optionText), value: String(index) };
}

/** An entity ref as a select option (its own label; options loads supply nicer ones). */
export function entityOption(ref: string, label = ref) {
  return { text: plainText(label, L.optionText), value: ref.slice(0, L.optionValue) };
}

export function indexOf(options: Option[], value: unknown): number {
  return options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(value));
}

function textValue(field: Field, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.type === 'repoUrl' && typeof value === 'string') {
    try {
      const r = parseRepoUrl(value);
      return [r.host, r.owner, r.repo].filter(Boolean).join('/');
    } catch {
      return value;
    }
  }
  if (field.type === 'tags' && Array.isArray(value)) return value.join(', ');
  if ((field.type === 'text' || field.type === 'textarea') && field.json) return JSON.stringify(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

type Element = types.InputBlock['element'];

export function elementOf(field: Field, value: unknown): Element | undefined {
  const base = { action_id: FIELD_ACTION, ...(field.placeholder ? { placeholder: plainText(field.placeholder, L.placeholder) } : {}) };
  switch (field.type) {
    case 'hidden':
      return undefined;
    case 'select': {
      const i = indexOf(field.options, value);
      // More options than Slack allows in a static select: a typeahead answered from the form (create-options.ts).
      if (field.options.length > L.options) return { ...base, type: 'external_select', min_query_length: 0, ...(i >= 0 ? { initial_option: optionOf(field.options[i], i) } : {}) };
      return { ...base, type: 'static_select', options: field.options.slice(0, L.options).map(optionOf), ...(i >= 0 && i < L.options ? { initial_option: optionOf(field.options[i], i) } : {}) };
    }
    case 'multiselect': {
      const many = field.options.length > L.options;
      const picked = Array.isArray(value) ? value.map((v) => indexOf(field.options, v)).filter((i) => i >= 0 && (many || i < L.options)) : [];
      if (many) {
        return {
          ...base,
          type: 'multi_external_select',
          min_query_length: 0,
          ...(picked.length ? { initial_options: picked.map((i) => optionOf(field.options[i], i)) } : {}),
          ...(field.maxItems ? { max_selected_items: field.maxItems } : {}),
        };
      }
      return {
        ...base,
        type: 'multi_static_select',
        options: field.options.slice(0, L.options).map(optionOf),
        ...(picked.length ? { initial_options: picked.map((i) => optionOf(field.options[i], i)) } : {}),
        ...(field.maxItems ? { max_selected_items: field.maxItems } : {}),
      };
    }
    case 'checkbox': {
      const option = { text: plainText('Yes', L.optionText), value: 'true' };
      return { action_id: FIELD_ACTION, type: 'checkboxes', options: [option], ...(value === true ? { initial_options: [option] } : {}) };
    }
    case 'number':
      return {
        ...base,
        type: 'number_input',
        is_decimal_allowed: !field.integer,
        ...(typeof value === 'number' ? { initial_value: String(value) } : {}),
        ...(field.minimum !== undefined ? { min_value: String(field.minimum) } : {}),
        ...(field.maximum !== undefined ? { max_value: String(field.maximum) } : {}),
      };
    case 'entity': {
      const refs = (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).filter((v): v is string => typeof v === 'string' && v.length <= L.optionValue);
      if (field.multiple) return { ...base, type: 'multi_external_select', min_query_length: 0, ...(refs.length ? { initial_options: refs.map((r) => entityOption(r)) } : {}) };
      return { ...base, type: 'external_select', min_query_length: 0, ...(refs.length ? { initial_option: entityOption(refs[0]) } : {}) };
    }
    case 'text':
    case 'textarea':
    case 'password':
    case 'tags':
    case 'repoUrl': {
      const max = Math.min(field.type === 'text' || field.type === 'textarea' || field.type === 'password' ? field.maxLength ?? L.textInput : L.textInput, L.textInput);
      const min = (field.type === 'text' || field.type === 'textarea' || field.type === 'password') && field.minLength ? Math.min(field.minLength, max) : undefined;
      const initial = textValue(field, value);
      const multiline = field.type === 'textarea' || ((field.type === 'text' || field.type === 'password') && !!field.json);
      const placeholder = field.type === 'repoUrl' && !field.placeholder ? { placeholder: plainText(repoUrlPlaceholder(field), L.placeholder) } : {};
      return {
        ...base,
        ...placeholder,
        type: 'plain_text_input',
        multiline,
        max_length: max,
        ...(min ? { min_length: min } : {}),
        ...(initial !== undefined && initial.length <= max ? { initial_value: initial } : {}),
      };
    }
  }
}

export function hintOf(field: Field): string | undefined {
  const extra = field.type === 'tags' ? 'Separate entries with commas.' : field.type === 'password' ? 'Slack shows what you type; it is never logged.' : undefined;
  const text = [field.help, extra].filter(Boolean).join(' ');
  return text || undefined;
}
