/**
 * Backstage is the judge of an action's inputs: `backstage-schemas.json` holds the input/output JSON
 * Schemas of Backstage's own actions (written by `npm run schemas:actions` from its published
 * packages, never re-typed). An action with a Backstage twin validates its input against that schema
 * first, then hands only the keys Callsheet acts on to its own zod schema; every other key is reported
 * once in the task log and never fails the step.
 *
 * fetch:rails's schema is in `backstage-rails-schema.json`: the rails module is not among the dev
 * dependencies, so it was written the same way (the action's `schema.input` as createTemplateAction
 * converts it) from the published @backstage/plugin-scaffolder-backend-module-rails 0.5.25.
 *
 * One deliberate relaxation: keys outside Backstage's schema (publish:github's `allowedHosts`, which
 * the public templates carry) are accepted and reported. Backstage ignored them until its actions
 * moved to zod (strict objects); the templates were written for that, and must run unchanged. The
 * same holds one level down for fetch:rails's `values`, where rails-demo passes name, owner and system
 * beside railsArguments (the zod move made that object strict too).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import schemas from './backstage-schemas.json' with { type: 'json' };
import railsSchema from './backstage-rails-schema.json' with { type: 'json' };

type JsonSchema = Record<string, unknown>;
export interface BackstageActionSchema {
  package: string;
  supportsDryRun: boolean;
  input: JsonSchema;
  output?: JsonSchema;
}

const all = { ...schemas, ...railsSchema } as unknown as Record<string, BackstageActionSchema>;

/** Nested objects opened as the top level is (see above), per action. */
const OPEN_NESTED: Record<string, string[]> = { 'fetch:rails': ['values'] };

export function backstageSchemaOf(id: string): BackstageActionSchema | undefined {
  return Object.hasOwn(all, id) ? all[id] : undefined;
}

/** Ids of every action Backstage's packages define (the ones a template may name). */
export const backstageActionIds = (): string[] => Object.keys(all);

const ajv = new Ajv({ allErrors: true, strict: false });

/** The schema with additional properties allowed at the top level (and in each anyOf branch), and in `nested` properties. */
function relaxed(schema: JsonSchema, nested: string[] = []): JsonSchema {
  const open = (s: JsonSchema): JsonSchema => (s.additionalProperties === false ? { ...s, additionalProperties: true } : s);
  const out = open(schema);
  const properties = out.properties as Record<string, JsonSchema> | undefined;
  if (properties && nested.length) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, nested.includes(k) ? open(v) : v]));
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(out[key])) out[key] = (out[key] as JsonSchema[]).map(open);
  return out;
}

/** Properties Backstage's schema names, over every anyOf/oneOf branch. */
function declaredKeys(schema: JsonSchema): Set<string> {
  const keys = new Set<string>(Object.keys((schema.properties as object | undefined) ?? {}));
  for (const key of ['anyOf', 'oneOf'] as const) for (const branch of (schema[key] as JsonSchema[] | undefined) ?? []) for (const k of declaredKeys(branch)) keys.add(k);
  return keys;
}

/** Keys a zod schema reads, or undefined when it takes any key (a record, unknown). */
export function zodKeys(schema: z.ZodTypeAny): Set<string> | undefined {
  const def = schema._def as { typeName?: string; schema?: z.ZodTypeAny; innerType?: z.ZodTypeAny; options?: z.ZodTypeAny[]; in?: z.ZodTypeAny };
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape));
  if (def.schema) return zodKeys(def.schema);
  if (def.innerType) return zodKeys(def.innerType);
  if (def.in) return zodKeys(def.in);
  if (def.options) {
    const keys = new Set<string>();
    for (const option of def.options) {
      const inner = zodKeys(option);
      if (!inner) return undefined;
      for (const k of inner) keys.add(k);
    }
    return keys;
  }
  return undefined;
}

function messageOf(error: ErrorObject): { path: (string | number)[]; message: string } {
  const path = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required') return { path, message: `requires property "${(error.params as { missingProperty: string }).missingProperty}"` };
  // The name is in the message too: a ZodError's text keeps path and message apart.
  return { path, message: `${path.length ? `"${path.join('.')}" ` : ''}${error.message ?? error.keyword}` };
}

/** What the contracted schema hands to the handler: Callsheet's parsed input and what it leaves alone. */
export class ContractedInput<T = unknown> {
  constructor(
    readonly value: T,
    readonly notActedOn: string[],
    readonly unknownToBackstage: string[],
  ) {}
}

/** Undefined values are absent (a `${{ parameters.x }}` the user left empty), as after JSON. */
const withoutUndefined = (raw: unknown): unknown => (raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) : raw);

/** A zod schema: Backstage's JSON Schema first, then `own` on the keys Callsheet acts on. */
export function contractSchema(id: string, own: z.ZodTypeAny): z.ZodTypeAny | undefined {
  const contract = backstageSchemaOf(id);
  if (!contract) return undefined;
  const validate: ValidateFunction = ajv.compile(relaxed(contract.input, OPEN_NESTED[id]));
  const declared = declaredKeys(contract.input);
  const acted = zodKeys(own);
  return z.unknown().transform((raw, ctx) => {
    const input = withoutUndefined(raw);
    if (!validate(input)) {
      for (const error of validate.errors ?? []) ctx.addIssue({ code: 'custom', ...messageOf(error) });
      return z.NEVER;
    }
    const entries = Object.entries(input as Record<string, unknown>);
    const kept = entries.filter(([k]) => !acted || acted.has(k));
    const parsed = own.safeParse(Object.fromEntries(kept));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
      return z.NEVER;
    }
    const left = entries.map(([k]) => k).filter((k) => acted && !acted.has(k));
    return new ContractedInput(
      parsed.data,
      left.filter((k) => declared.has(k)),
      left.filter((k) => !declared.has(k)),
    );
  });
}
