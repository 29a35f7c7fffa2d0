/**
 * Submitted values checked as Backstage checks them: the merged values of all pages against each
 * page's JSON Schema (with `ui:*` keys removed), by ajv. Every error names the exact field it is about.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { Field, FieldError, Form } from '../reply/form.js';
import { parseRepoUrl } from './filters.js';
import { getPath, isVisible, withoutInactive, type Values } from './form-values.js';

const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv;

// `strict: false`: templates carry keywords ajv does not know (enumNames, ui leftovers in custom keys).
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }));
const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function pointerToPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The field an ajv error is about: the longest field path that prefixes the error's path. */
function fieldFor(error: ErrorObject, fields: Field[]): Field | undefined {
  const path = pointerToPath(error.instancePath);
  if (error.keyword === 'required' || error.keyword === 'dependencies' || error.keyword === 'dependentRequired') {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    if (missing) path.push(missing);
  }
  for (let n = path.length; n > 0; n--) {
    const id = path.slice(0, n).join('.');
    const field = fields.find((f) => f.id === id);
    if (field) return field;
  }
  return undefined;
}

function messageOf(error: ErrorObject, field: Field | undefined): string {
  if (error.keyword === 'required' || error.keyword === 'dependencies' || error.keyword === 'dependentRequired') return 'is required';
  if (error.keyword === 'pattern' && field?.type === 'text' && field.pattern) return `must match the pattern ${field.pattern}`;
  if (error.keyword === 'enum') return `must be one of: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? 'is not valid';
}

/**
 * ajv reports the errors of every failed `oneOf`/`anyOf` branch. When a branch's discriminator
 * (`enum`/`const`) matched, the other branches are noise ("must be one of: callsheet"); keep only
 * the errors of the branches that were meant.
 */
function meantBranches(errors: ErrorObject[]): ErrorObject[] {
  const branchOf = (e: ErrorObject) => /^(.*\/(?:oneOf|anyOf))\/(\d+)\//.exec(e.schemaPath);
  const mismatched = new Map<string, Set<string>>();
  const seen = new Map<string, Set<string>>();
  for (const e of errors) {
    const m = branchOf(e);
    if (!m) continue;
    if (!seen.has(m[1])) seen.set(m[1], new Set());
    seen.get(m[1])!.add(m[2]);
    if (e.keyword === 'enum' || e.keyword === 'const') {
      if (!mismatched.has(m[1])) mismatched.set(m[1], new Set());
      mismatched.get(m[1])!.add(m[2]);
    }
  }
  return errors.filter((e) => {
    const m = branchOf(e);
    if (!m) return true;
    const bad = mismatched.get(m[1]);
    const meant = [...(seen.get(m[1]) ?? [])].some((b) => !bad?.has(b));
    return !(meant && bad?.has(m[2]));
  });
}

/**
 * Checks the pickers make in Backstage's frontend, repeated here because chat input arrives as text:
 * entity names and tags match their pattern, a repository URL is on an allowed host and owner.
 */
function pickerErrors(fields: Field[], values: Values): FieldError[] {
  const out: FieldError[] = [];
  for (const field of fields) {
    if (!isVisible(field, values)) continue;
    const value = getPath(values, field.path);
    if (value === undefined || value === '') continue;
    if (field.type === 'text' && field.pattern && typeof value === 'string' && !new RegExp(field.pattern, 'u').test(value)) out.push({ field: field.id, message: `must match the pattern ${field.pattern}` });
    if (field.type === 'tags' && field.itemPattern && Array.isArray(value)) {
      const bad = value.find((v) => typeof v !== 'string' || !new RegExp(field.itemPattern!, 'u').test(v));
      if (bad !== undefined) out.push({ field: field.id, message: `"${String(bad)}" must match the pattern ${field.itemPattern}` });
    }
    if (field.type === 'repoUrl' && typeof value === 'string') {
      let repo: { host: string; owner?: string; repo: string } | undefined;
      try {
        repo = parseRepoUrl(value);
      } catch (error) {
        out.push({ field: field.id, message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (field.allowedHosts.length > 0 && !field.allowedHosts.includes(repo.host)) out.push({ field: field.id, message: `host must be one of: ${field.allowedHosts.join(', ')}` });
      else if (field.allowedOwners.length > 0 && !field.allowedOwners.includes(repo.owner ?? '')) out.push({ field: field.id, message: `owner must be one of: ${field.allowedOwners.join(', ')}` });
      else if (field.allowedRepos.length > 0 && !field.allowedRepos.includes(repo.repo)) out.push({ field: field.id, message: `repository must be one of: ${field.allowedRepos.join(', ')}` });
    }
  }
  return out;
}

function errorsOf(form: Form, schemaIndex: number, values: Values, fields: Field[]): FieldError[] {
  const validate = validatorOf(form.schemas[schemaIndex]);
  const own = new Set(form.pages.filter((p) => p.schemaIndex === schemaIndex).flatMap((p) => p.fields.map((f) => f.id)));
  const pickers = pickerErrors(fields.filter((f) => own.has(f.id)), values);
  if (validate(values)) return pickers;
  const byField = new Map<string, string>();
  const loose: string[] = [];
  for (const error of meantBranches(validate.errors ?? [])) {
    const field = fieldFor(error, fields);
    if (field) {
      if (!byField.has(field.id)) byField.set(field.id, messageOf(error, field));
    } else if (!['oneOf', 'anyOf', 'if', 'allOf'].includes(error.keyword)) {
      loose.push(`${error.instancePath || 'values'} ${error.message ?? 'is not valid'}`);
    }
  }
  for (const p of pickers) if (!byField.has(p.field)) byField.set(p.field, p.message);
  const out: FieldError[] = [...byField].map(([field, message]) => ({ field, message }));
  // Combinator errors only summarise nested ones; show them when nothing more precise was found.
  if (out.length === 0 && loose.length === 0) loose.push(...(validate.errors ?? []).map((e) => `${e.instancePath || 'values'} ${e.message ?? 'is not valid'}`));
  return [...out, ...[...new Set(loose)].map((message) => ({ field: '', message }))];
}

function allFields(form: Form): Field[] {
  return form.pages.flatMap((p) => p.fields);
}

/** Errors of one page's fields (what an adapter shows before moving to the next page). */
export function validatePage(form: Form, pageIndex: number, values: Values): FieldError[] {
  const page = form.pages[pageIndex];
  if (!page) throw new Error(`form ${form.templateRef} has no page ${pageIndex + 1}`);
  const own = new Set(page.fields.map((f) => f.id));
  const split = form.pages.filter((p) => p.schemaIndex === page.schemaIndex).length > 1;
  return errorsOf(form, page.schemaIndex, withoutInactive(form, values), allFields(form)).filter((e) => own.has(e.field) || (e.field === '' && !split));
}

/** Errors of the whole submission, every page's schema against the merged values. */
export function validateValues(form: Form, values: Values): FieldError[] {
  const cleaned = withoutInactive(form, values);
  const fields = allFields(form);
  const seen = new Set<string>();
  const out: FieldError[] = [];
  form.schemas.forEach((_, i) => {
    for (const error of errorsOf(form, i, cleaned, fields)) {
      const key = `${error.field}\u0000${error.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(error);
      }
    }
  });
  return out;
}
