/**
 * Values of a Form: reading and writing them by field path, which conditional fields are showing,
 * and turning what a person typed (shell prompt, Slack plain-text input) into the field's JSON value.
 */
import type { Field, Form, Page } from '../reply/form.js';

export type Values = Record<string, unknown>;

export function getPath(values: Values, path: string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Values)[key];
  }
  return current;
}

/** A copy of `values` with `value` at `path` (undefined removes it). */
export function setPath(values: Values, path: string[], value: unknown): Values {
  const [head, ...rest] = path;
  const copy: Values = { ...values };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = typeof copy[head] === 'object' && copy[head] !== null && !Array.isArray(copy[head]) ? (copy[head] as Values) : {};
  copy[head] = setPath(child, rest, value);
  return copy;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function isVisible(field: Field, values: Values): boolean {
  return (field.when ?? []).every((c) => {
    const value = getPath(values, c.field.split('.'));
    if (c.present) return value !== undefined && value !== '';
    if (c.in) return c.in.some((v) => equal(v, value));
    if (c.notIn) return !c.notIn.some((v) => equal(v, value));
    return true;
  });
}

export function visibleFields(page: Page, values: Values): Field[] {
  return page.fields.filter((f) => isVisible(f, values));
}

/**
 * The form's defaults, as the values a fresh form starts with. A checkbox starts unchecked (false):
 * chat has no "unset" checkbox, and JSON Schema `if` conditions treat a missing value as matching.
 */
export function initialValues(form: Form): Values {
  let values: Values = {};
  for (const page of form.pages)
    for (const field of page.fields) {
      const start = field.default ?? (field.type === 'checkbox' && !field.when ? false : undefined);
      if (start !== undefined) values = setPath(values, field.path, start);
    }
  return values;
}

/** Values of conditional fields that are not showing are dropped, as react-jsonschema-form drops them. */
export function withoutInactive(form: Form, values: Values): Values {
  let out = values;
  for (const page of form.pages) for (const field of page.fields) if (field.when && !isVisible(field, values)) out = setPath(out, field.path, undefined);
  return out;
}

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

/** `host?owner=o&repo=r`, as Backstage's RepoUrlPicker writes it. */
export function formatRepoUrl(parts: { host: string; owner?: string; repo: string }): string {
  const query = new URLSearchParams();
  if (parts.owner) query.set('owner', parts.owner);
  query.set('repo', parts.repo);
  return `${parts.host}?${query.toString()}`;
}

const TRUE = ['y', 'yes', 'true', '1', 'on'];
const FALSE = ['n', 'no', 'false', '0', 'off'];

/**
 * What a person typed -> the field's value. Empty text means "no value" (undefined). Lists are comma
 * separated; a select accepts an option's label, its value, or its number (1-based).
 */
export function coerceAnswer(field: Field, raw: string): Coerced {
  const text = raw.trim();
  if (text === '') return { ok: true, value: undefined };
  switch (field.type) {
    case 'checkbox':
      if (TRUE.includes(text.toLowerCase())) return { ok: true, value: true };
      if (FALSE.includes(text.toLowerCase())) return { ok: true, value: false };
      return { ok: false, message: 'answer yes or no' };
    case 'number': {
      const n = Number(text);
      if (!Number.isFinite(n)) return { ok: false, message: 'expected a number' };
      if (field.integer && !Number.isInteger(n)) return { ok: false, message: 'expected a whole number' };
      return { ok: true, value: n };
    }
    case 'select': {
      const option = pickOption(field.options, text);
      return option ? { ok: true, value: option.value } : { ok: false, message: `choose one of: ${field.options.map((o) => o.label).join(', ')}` };
    }
    case 'multiselect': {
      const picked = [];
      for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
        const option = pickOption(field.options, part);
        if (!option) return { ok: false, message: `"${part}" is not one of: ${field.options.map((o) => o.label).join(', ')}` };
        picked.push(option.value);
      }
      return { ok: true, value: picked };
    }
    case 'tags':
      return { ok: true, value: text.split(',').map((p) => p.trim()).filter(Boolean) };
    case 'entity':
      return { ok: true, value: field.multiple ? text.split(',').map((p) => p.trim()).filter(Boolean) : text };
    case 'repoUrl':
      return coerceRepoUrl(text);
    case 'text':
    case 'textarea':
    case 'password':
      if (field.json) {
        try {
          return { ok: true, value: JSON.parse(text) };
        } catch {
          return { ok: false, message: 'expected JSON' };
        }
      }
      return { ok: true, value: raw };
    case 'hidden':
      return { ok: true, value: field.default };
  }
}

function pickOption(options: { value: unknown; label: string }[], text: string) {
  const lower = text.toLowerCase();
  const byNumber = /^\d+$/.test(text) ? options[Number(text) - 1] : undefined;
  return options.find((o) => o.label.toLowerCase() === lower) ?? options.find((o) => typeof o.value !== 'object' && String(o.value).toLowerCase() === lower) ?? byNumber;
}

/** Accepts `host?owner=o&repo=r`, `host/owner/repo` or `https://host/owner/repo(.git)`. */
function coerceRepoUrl(text: string): Coerced {
  if (/^[^/?\s]+\?/.test(text)) return { ok: true, value: text };
  // GitLab groups nest: every segment between the host and the last one is the owner (acme/platform).
  const match = /^(?:https?:\/\/)?([^/\s]+)\/((?:[^/\s]+\/)*[^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(text);
  if (!match) return { ok: false, message: 'expected host/owner/repo, e.g. github.com/acme/payments-api' };
  return { ok: true, value: formatRepoUrl({ host: match[1], owner: match[2], repo: match[3] }) };
}
