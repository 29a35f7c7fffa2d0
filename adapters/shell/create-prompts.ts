/**
 * A template's Form asked as terminal prompts: each showing field in order (conditional fields
 * appear once what they depend on is answered), defaults on Enter, and every validation error —
 * the field's own or the page schema's — answered by asking that field again.
 */
import type { EntityField, Field, Form, Option } from '../../src/reply/form.js';
import { coerceAnswer, getPath, initialValues, isVisible, setPath, type Values } from '../../src/scaffolder/form-values.js';
import { validatePage } from '../../src/scaffolder/validate-values.js';

export interface PromptIo {
  ask(question: string): Promise<string>;
  /** Asks without echoing (password fields); falls back to `ask`. */
  askSecret?(question: string): Promise<string>;
  say(text: string): void;
}

export interface PromptOptions {
  /** Catalog entities an entity picker offers (wire to `entityOptions(db, field, requester, { search })`). */
  entityOptions?: (field: EntityField, search?: string) => Promise<Option[]>;
  initial?: Values;
  /** Attempts per page before giving up (a schema no answer can satisfy must not loop forever). */
  maxAttempts?: number;
}

const SHOWN_OPTIONS = 20;

function show(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(field: Field, current: unknown, options: Option[] | undefined): string {
  const lines: string[] = [];
  if (field.help) lines.push(`  ${field.help}`);
  if (field.type === 'select' || field.type === 'multiselect') field.options.forEach((o, i) => lines.push(`   ${i + 1}. ${o.label}`));
  // The picker's allowed hosts, as Backstage's RepoUrlPicker offers them (gitlab.com for a GitLab template).
  if (field.type === 'repoUrl' && field.allowedHosts.length) lines.push(`  host: ${field.allowedHosts.join(' or ')}`);
  if (options) options.slice(0, SHOWN_OPTIONS).forEach((o, i) => lines.push(`   ${i + 1}. ${o.label} — ${show(o.value)}`));
  const hints: Record<string, string> = { checkbox: ' (yes/no)', multiselect: ' (numbers or names, comma separated)', tags: ' (comma separated)', repoUrl: ' (host/owner/repo)' };
  const hint = field.type === 'entity' && field.multiple ? ' (comma separated)' : hints[field.type] ?? '';
  const fallback = current !== undefined && field.type !== 'password' ? ` [${show(current)}]` : '';
  lines.push(`${field.label}${field.required ? '' : ' (optional)'}${hint}${fallback}: `);
  return lines.join('\n');
}

async function askField(field: Field, values: Values, io: PromptIo, options: PromptOptions, check: (values: Values) => string | undefined): Promise<Values> {
  if (field.type === 'hidden') return values;
  const current = getPath(values, field.path);
  const offered = field.type === 'entity' && options.entityOptions ? await options.entityOptions(field) : undefined;
  for (;;) {
    const question = describe(field, current, offered);
    const raw = field.type === 'password' && io.askSecret ? await io.askSecret(question) : await io.ask(question);
    if (raw.trim() === '') {
      if (current !== undefined) return values;
      if (!field.required) return setPath(values, field.path, undefined);
      io.say(`  ${field.label} is required.`);
      continue;
    }
    let answer = raw;
    if (offered && /^\d+$/.test(raw.trim()) && offered[Number(raw.trim()) - 1]) answer = String(offered[Number(raw.trim()) - 1].value);
    if (field.type === 'entity' && !field.allowArbitraryValues && offered && !offered.some((o) => o.value === answer.trim())) {
      io.say('  Choose one of the listed entities.');
      continue;
    }
    const coerced = coerceAnswer(field, answer);
    if (!coerced.ok) {
      io.say(`  ${coerced.message}`);
      continue;
    }
    const next = setPath(values, field.path, coerced.value);
    const problem = check(next);
    if (problem) {
      io.say(`  ${field.label}: ${problem}`);
      continue;
    }
    return next;
  }
}

/** Asks every page of the form; resolves with values that pass every page's validation. */
export async function promptForm(form: Form, io: PromptIo, options: PromptOptions = {}): Promise<Values> {
  let values: Values = { ...initialValues(form), ...(options.initial ?? {}) };
  const maxAttempts = options.maxAttempts ?? 5;
  for (const [index, page] of form.pages.entries()) {
    // An answer is checked as soon as it is given, against the page's schema, so that it is asked again at once.
    const check = (field: Field) => (next: Values) => validatePage(form, index, next).find((e) => e.field === field.id && e.message !== 'is required')?.message;
    io.say(form.pages.length > 1 ? `\n${page.title} (${index + 1}/${form.pages.length})` : `\n${page.title}`);
    if (page.description) io.say(page.description);
    for (const field of page.fields) if (isVisible(field, values)) values = await askField(field, values, io, options, check(field));
    for (let attempt = 1; ; attempt++) {
      const errors = validatePage(form, index, values);
      if (errors.length === 0) break;
      if (attempt >= maxAttempts) throw new Error(`Gave up on "${page.title}" after ${maxAttempts} attempts: ${errors.map((e) => `${e.field || 'form'} ${e.message}`).join('; ')}`);
      for (const error of errors) {
        const field = page.fields.find((f) => f.id === error.field);
        io.say(`  ${field ? field.label : 'This page'}: ${error.message}`);
        if (field) values = await askField(field, setPath(values, field.path, undefined), io, options, check(field));
      }
      if (errors.every((e) => e.field === '')) for (const field of page.fields) if (isVisible(field, values)) values = await askField(field, values, io, options, check(field));
    }
  }
  return values;
}
