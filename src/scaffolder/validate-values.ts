/**
 * Submitted values checked as Backstage checks them: the merged values of all pages against each
 * page's JSON Schema (with `ui:*` keys removed), by ajv. Every error names the exact field it is about.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { Field, FieldError, Form } from './form-types.js';
import { withoutInactive, type Values } from './form-values.js';

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

function errorsOf(form: Form, schemaIndex: number, values: Values, fields: Field[]): FieldError[] {
  const validate = validatorOf(form.schemas[schemaIndex]);
  if (validate(values)) return [];
  const byField = new Map<string, string>();
  const loose: string[] = [];
  for (const error of validate.errors ?? []) {
    const field = fieldFor(error, fields);
    if (field) {
      if (!byField.has(field.id)) byField.set(field.id, messageOf(error, field));
    } else if (!['oneOf', 'anyOf', 'if', 'allOf'].includes(error.keyword)) {
      loose.push(`${error.instancePath || 'values'} ${error.message ?? 'is not valid'}`);
    }
  }
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
