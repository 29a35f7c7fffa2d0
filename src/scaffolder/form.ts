/**
 * `spec.parameters` (one JSON Schema object or an array of pages, with Backstage's `ui:*` keys) ->
 * the neutral Form. Unknown `ui:field`s become text inputs with their description, so a template
 * written for a Backstage with custom pickers still asks its questions.
 */
import type { Condition, EntityField, Field, Form, Option, Page, CatalogFilter } from '../reply/form.js';
import { fitText, MAX_FIELDS_PER_PAGE, SLACK_MODAL_LIMITS as L } from './form-limits.js';

type Schema = Record<string, unknown>;

export interface TemplateForForm {
  ref: string;
  title?: string;
  description?: string;
  parameters: unknown;
}

/** Backstage's entity name rule (KubernetesValidatorFunctions.isValidObjectName). */
export const ENTITY_NAME_PATTERN = '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$';
/** Backstage's tag rule (FieldFormatEntityPolicy's tag validator). */
export const TAG_PATTERN = '^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$';

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The page schemas of `spec.parameters`, which may be one object or an array. */
export function pagesOf(parameters: unknown): Schema[] {
  if (parameters === undefined || parameters === null) return [];
  return (Array.isArray(parameters) ? parameters : [parameters]).filter(isObject);
}

/** A JSON Schema with every `ui:*` key removed, at any depth (what Backstage validates against). */
export function stripUi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUi);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('ui:')).map(([k, v]) => [k, stripUi(v)]));
}

function catalogFilters(value: unknown): CatalogFilter[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(isObject).map((f) =>
    Object.fromEntries(
      Object.entries(f).flatMap(([k, v]): [string, string | string[]][] => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return [[k, String(v)]];
        const items = strings(v);
        return items.length > 0 ? [[k, items]] : [];
      }),
    ),
  );
}

function optionsOf(values: unknown[], names: unknown): Option[] {
  const labels = Array.isArray(names) ? names : [];
  return values.map((value, i) => ({ value, label: fitText(str(labels[i]) ?? (typeof value === 'string' ? value : JSON.stringify(value)), L.optionText) || '(empty)' }));
}

/** `oneOf: [{const, title}, ...]` on a property: a select in react-jsonschema-form. */
function constAlternatives(prop: Schema): Option[] | undefined {
  const alternatives = (prop.oneOf ?? prop.anyOf) as unknown;
  if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined;
  if (!alternatives.every((a) => isObject(a) && 'const' in a)) return undefined;
  return alternatives.map((a: Schema) => ({ value: a.const, label: fitText(str(a.title) ?? String(a.const), L.optionText) || '(empty)' }));
}

function entityField(base: Omit<EntityField, 'type' | 'kinds' | 'filter' | 'allowArbitraryValues' | 'multiple'>, options: Schema, defaults: { kinds: string[]; scope?: 'mine' | 'owned'; multiple?: boolean }): EntityField {
  const filter = catalogFilters(options.catalogFilter);
  const allowed = strings(options.allowedKinds);
  const kinds = allowed.length > 0 ? allowed : filter.length > 0 ? [] : defaults.kinds;
  return {
    ...base,
    type: 'entity',
    kinds,
    filter,
    defaultKind: str(options.defaultKind),
    defaultNamespace: str(options.defaultNamespace),
    scope: defaults.scope,
    allowArbitraryValues: options.allowArbitraryValues !== false,
    multiple: defaults.multiple ?? false,
  };
}

function fieldOf(prop: Schema, path: string[], required: boolean, labelPrefix: string): Field {
  const id = path.join('.');
  const name = path[path.length - 1];
  const options = isObject(prop['ui:options']) ? prop['ui:options'] : {};
  const help = str(prop.description) ?? str(prop['ui:help']);
  const placeholder = str(prop['ui:placeholder']) ?? str(options.placeholder);
  const base = {
    id,
    path,
    label: fitText(`${labelPrefix}${str(prop.title) ?? name}`, L.label),
    ...(help ? { help: fitText(help, L.hint) } : {}),
    ...(placeholder ? { placeholder: fitText(placeholder, L.placeholder) } : {}),
    required,
    ...('default' in prop ? { default: prop.default } : {}),
  };
  const uiField = str(prop['ui:field']);
  const widget = str(prop['ui:widget']);
  switch (uiField) {
    case 'RepoUrlPicker':
      return { ...base, type: 'repoUrl', allowedHosts: strings(options.allowedHosts), allowedOwners: strings(options.allowedOwners), allowedRepos: strings(options.allowedRepos) };
    case 'OwnerPicker':
      return entityField(base, options, { kinds: ['Group', 'User'] });
    case 'EntityPicker':
      return entityField(base, options, { kinds: [] });
    case 'MultiEntityPicker':
      return entityField(base, options, { kinds: [], multiple: true });
    case 'OwnedEntityPicker':
      return entityField(base, options, { kinds: [], scope: 'owned' });
    case 'MyGroupsPicker':
      return entityField(base, options, { kinds: ['Group'], scope: 'mine' });
    case 'EntityNamePicker':
      return { ...base, type: 'text', pattern: ENTITY_NAME_PATTERN, maxLength: 63 };
    case 'EntityTagsPicker':
      return { ...base, type: 'tags', itemPattern: TAG_PATTERN };
    case 'Secret':
      // Backstage's Secret field: typed like a password, never echoed, redacted from logs.
      return { ...base, type: 'password', pattern: str(prop.pattern), minLength: num(prop.minLength), maxLength: num(prop.maxLength) };
    case undefined:
      break;
    default:
      // A picker we do not know: ask for its value as text, as its description says.
      return { ...base, type: 'text' };
  }
  if (widget === 'hidden') return { ...base, type: 'hidden' };
  const type = prop.type;
  if (Array.isArray(prop.enum)) return { ...base, type: 'select', options: optionsOf(prop.enum, prop.enumNames) };
  const alternatives = constAlternatives(prop);
  if (alternatives) return { ...base, type: 'select', options: alternatives };
  if (type === 'boolean') return { ...base, type: 'checkbox' };
  if (type === 'number' || type === 'integer') return { ...base, type: 'number', integer: type === 'integer', minimum: num(prop.minimum), maximum: num(prop.maximum) };
  if (type === 'array') {
    const items = isObject(prop.items) ? prop.items : {};
    if (Array.isArray(items.enum)) return { ...base, type: 'multiselect', options: optionsOf(items.enum, items.enumNames), minItems: num(prop.minItems), maxItems: num(prop.maxItems) };
    if (items.type === 'string' || items.type === undefined) return { ...base, type: 'tags', itemPattern: str(items.pattern), maxItems: num(prop.maxItems) };
    return { ...base, type: 'textarea', json: true };
  }
  if (type === 'object') return { ...base, type: 'textarea', json: true };
  const text = { pattern: str(prop.pattern), minLength: num(prop.minLength), maxLength: num(prop.maxLength), format: str(prop.format) };
  if (widget === 'textarea') return { ...base, type: 'textarea', ...text };
  if (widget === 'password') return { ...base, type: 'password', ...text };
  return { ...base, type: 'text', ...text };
}

/** Fields of an object schema; nested objects without a picker are asked property by property. */
function fieldsOf(schema: Schema, basePath: string[], labelPrefix: string, when: Condition[] | undefined): Field[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(strings(schema.required));
  const out: Field[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    if (!isObject(raw)) continue;
    const path = [...basePath, name];
    if (raw.type === 'object' && isObject(raw.properties) && raw['ui:field'] === undefined) {
      out.push(...fieldsOf(raw, path, `${labelPrefix}${str(raw.title) ?? name} › `, when));
      continue;
    }
    const field = fieldOf(raw, path, required.has(name), labelPrefix);
    out.push(when ? { ...field, when } : field);
  }
  out.push(...conditionalFields(schema, basePath, labelPrefix, out));
  return out;
}

/** The values an alternative requires of `name` (`const` or `enum`), if it pins them. */
function pinned(alternative: Schema, name: string): unknown[] | undefined {
  const prop = isObject(alternative.properties) ? alternative.properties[name] : undefined;
  if (!isObject(prop)) return undefined;
  if ('const' in prop) return [prop.const];
  return Array.isArray(prop.enum) ? prop.enum : undefined;
}

/** An alternative's own properties (without the discriminator), as fields shown under `when`. */
function alternativeFields(alternative: Schema, skip: string[], basePath: string[], labelPrefix: string, when: Condition[] | undefined): Field[] {
  const properties = isObject(alternative.properties) ? alternative.properties : {};
  const own = Object.fromEntries(Object.entries(properties).filter(([k]) => !skip.includes(k)));
  return fieldsOf({ ...alternative, properties: own }, basePath, labelPrefix, when);
}

function conditionalFields(schema: Schema, basePath: string[], labelPrefix: string, existing: Field[]): Field[] {
  const id = (name: string) => [...basePath, name].join('.');
  const names = new Set(existing.map((f) => f.path[f.path.length - 1]));
  const out: Field[] = [];
  const dependencies = isObject(schema.dependencies) ? schema.dependencies : {};
  for (const [dep, value] of Object.entries(dependencies)) {
    if (!isObject(value)) continue; // a property dependency (array): only a validation rule
    const alternatives = Array.isArray(value.oneOf) ? value.oneOf.filter(isObject) : [value];
    for (const alternative of alternatives) {
      const values = pinned(alternative, dep);
      const when: Condition[] = [values ? { field: id(dep), in: values } : { field: id(dep), present: true }];
      out.push(...alternativeFields(alternative, [dep], basePath, labelPrefix, when));
    }
  }
  const conditionals = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf.filter(isObject) : [])].filter((s) => isObject(s.if));
  for (const c of conditionals) {
    const test = c.if as Schema;
    const discriminator = Object.keys(isObject(test.properties) ? test.properties : {}).find((k) => pinned(test, k) && names.has(k));
    const values = discriminator ? pinned(test, discriminator)! : undefined;
    const thenWhen: Condition[] | undefined = discriminator ? [{ field: id(discriminator), in: values }] : undefined;
    const elseWhen: Condition[] | undefined = discriminator ? [{ field: id(discriminator), notIn: values }] : undefined;
    if (isObject(c.then)) out.push(...alternativeFields(c.then, [], basePath, labelPrefix, thenWhen));
    if (isObject(c.else)) out.push(...alternativeFields(c.else, [], basePath, labelPrefix, elseWhen));
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alternatives = Array.isArray(schema[key]) ? (schema[key] as unknown[]).filter(isObject) : [];
    for (const alternative of alternatives) {
      const discriminator = Object.keys(isObject(alternative.properties) ? alternative.properties : {}).find((k) => names.has(k) && pinned(alternative, k));
      const when: Condition[] | undefined = discriminator ? [{ field: id(discriminator), in: pinned(alternative, discriminator) }] : undefined;
      out.push(...alternativeFields(alternative, discriminator ? [discriminator] : [], basePath, labelPrefix, when));
    }
  }
  return mergeRepeated(out, new Set(existing.map((f) => f.id)));
}

/**
 * The same property in several alternatives becomes one field shown under any of their conditions;
 * a property already asked unconditionally is not asked twice.
 */
function mergeRepeated(fields: Field[], taken: Set<string>): Field[] {
  const byId = new Map<string, Field>();
  for (const field of fields) {
    if (taken.has(field.id)) continue;
    const earlier = byId.get(field.id);
    if (!earlier) {
      byId.set(field.id, field);
      continue;
    }
    const a = earlier.when?.[0];
    const b = field.when?.[0];
    if (a?.in && b?.in && a.field === b.field) byId.set(field.id, { ...earlier, required: earlier.required && field.required, when: [{ field: a.field, in: [...a.in, ...b.in] }] });
    else byId.set(field.id, { ...earlier, required: false, when: undefined });
  }
  return [...byId.values()];
}

export function buildForm(template: TemplateForForm): Form {
  const schemas = pagesOf(template.parameters);
  const title = template.title ?? template.ref;
  const pages: Page[] = [];
  schemas.forEach((schema, schemaIndex) => {
    const fields = fieldsOf(schema, [], '', undefined);
    const pageTitle = fitText(str(schema.title) ?? (schemas.length === 1 ? title : `Step ${schemaIndex + 1}`), L.label);
    const description = str(schema.description);
    for (let start = 0; start === 0 || start < fields.length; start += MAX_FIELDS_PER_PAGE) {
      const part = fields.slice(start, start + MAX_FIELDS_PER_PAGE);
      pages.push({
        title: start === 0 ? pageTitle : fitText(`${pageTitle} (continued)`, L.label),
        ...(description ? { description: fitText(description, L.hint) } : {}),
        fields: part,
        schemaIndex,
      });
      if (fields.length === 0) break;
    }
  });
  return {
    templateRef: template.ref,
    title,
    ...(template.description ? { description: template.description } : {}),
    pages,
    schemas: schemas.map((s) => stripUi(s) as Schema),
  };
}
