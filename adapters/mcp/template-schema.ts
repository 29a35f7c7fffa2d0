/**
 * A template's parameters as one JSON Schema an agent can fill in: Backstage writes them as pages
 * (an array of object schemas) or as one object; the pages' properties, required fields and
 * dependencies are merged, and the form's `ui:*` hints (widgets, autofocus) are left out.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema without `ui:*` keys, at every depth. */
export function withoutUiKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUiKeys);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) if (!key.startsWith('ui:')) out[key] = withoutUiKeys(v);
  return out;
}

export function parametersSchema(parameters: unknown): Json {
  const pages = (Array.isArray(parameters) ? parameters : isObject(parameters) ? [parameters] : []).filter(isObject);
  const properties: Json = {};
  const required = new Set<string>();
  const dependencies: Json = {};
  const allOf: unknown[] = [];
  for (const page of pages) {
    if (isObject(page.properties)) Object.assign(properties, page.properties);
    if (Array.isArray(page.required)) for (const r of page.required) if (typeof r === 'string') required.add(r);
    if (isObject(page.dependencies)) Object.assign(dependencies, page.dependencies);
    for (const key of ['allOf', 'oneOf', 'anyOf', 'if'] as const) if (page[key] !== undefined) allOf.push(key === 'if' ? { if: page.if, then: page.then, else: page.else } : { [key]: page[key] });
  }
  return withoutUiKeys({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties,
    ...(required.size ? { required: [...required] } : {}),
    ...(Object.keys(dependencies).length ? { dependencies } : {}),
    ...(allOf.length ? { allOf } : {}),
  }) as Json;
}
