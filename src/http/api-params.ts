/**
 * Query parameters of the catalog API, read as Backstage's OpenAPI router reads them: a parameter
 * the route does not declare is a 400 (`Unknown query parameter 'x'`), as is a malformed value.
 */
import { z } from 'zod';
import { inputError } from './errors.js';

export const strings = z.union([z.string(), z.array(z.string())]).transform((v) => [v].flat());
export const integer = (name: string) =>
  z
    .string({ invalid_type_error: `Invalid ${name}, not an integer on string form` })
    .regex(/^\d+$/, `Invalid ${name}, not a non-negative integer`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), `Invalid ${name}, too large`);

export function parseOrThrow<T extends z.ZodTypeAny>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw inputError(result.error.issues.map((i) => `${where}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; '));
  }
  return result.data;
}

/**
 * A route's query reader, built once per route (building a zod schema costs more than a cached
 * answer): refuses parameters the route does not declare, then parses the rest.
 */
export function queryReader<T extends z.ZodRawShape>(shape: T, plain?: PlainShape<T>): (req: { query?: unknown }) => z.output<z.ZodObject<T>> {
  const schema = z.object(shape);
  const empty = Object.keys(shape).length === 0;
  return (req) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    let any = false;
    for (const key in query) {
      any = true;
      if (!(key in shape)) throw inputError(`Unknown query parameter '${key}'`);
    }
    if (!any && empty) return {} as z.output<z.ZodObject<T>>;
    const quick = plain && readPlain(plain, query);
    if (quick) return quick as z.output<z.ZodObject<T>>;
    return parseOrThrow(schema, query, 'query');
  };
}

/**
 * What each (optional) parameter of a route's zod shape is, so a well-formed query is read without
 * zod, which costs more than a cached answer: `strings` (one or repeated, always an array),
 * `string` (one), `integer` (a non-negative safe integer on string form), or the allowed values.
 * Anything else (a malformed or repeated value) goes to zod, which words the error.
 */
export type PlainKind = 'strings' | 'string' | 'integer' | readonly string[];
export type PlainShape<T> = { [K in keyof T]: PlainKind };

function readPlain(plain: Record<string, PlainKind>, query: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key in query) {
    const value = query[key];
    const kind = plain[key];
    if (value === undefined) continue;
    if (kind === 'strings') {
      if (typeof value === 'string') out[key] = [value];
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = [...(value as string[])];
      else return undefined;
    } else if (typeof value !== 'string') return undefined;
    else if (kind === 'string') out[key] = value;
    else if (kind === 'integer') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) return undefined;
      out[key] = n;
    } else if (kind.includes(value)) out[key] = value;
    else return undefined;
  }
  return out;
}

/** For routes that take no query parameters. */
export const noQuery = queryReader({});

export interface OrderField {
  field: string;
  order: 'asc' | 'desc';
}

/** `order=asc:metadata.name` (GET /entities). */
export function parseOrder(params: string[] | undefined): OrderField[] {
  return (params ?? []).map((p) => {
    const match = /^(asc|desc):(.+)$/.exec(p.trim());
    if (!match) throw inputError(`Invalid order parameter "${p}", expected "asc:<field>" or "desc:<field>"`);
    return { order: match[1] as 'asc' | 'desc', field: match[2].trim() };
  });
}

/** `orderField=metadata.name,asc` (GET /entities/by-query). */
export function parseOrderFields(params: string[] | undefined): OrderField[] {
  return (params ?? []).map((p) => {
    const [field, order = 'asc', ...rest] = p.split(',').map((s) => s.trim());
    if (!field || rest.length || (order !== 'asc' && order !== 'desc')) throw inputError(`Invalid orderField "${p}", expected "<field>,asc" or "<field>,desc"`);
    return { field, order };
  });
}

const MAX_CURSOR = 16_384;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** `max`: longest cursor accepted (a predicate cursor carries its query, so it may be longer). */
export function decodeCursor<T extends z.ZodTypeAny>(schema: T, cursor: string, max = MAX_CURSOR): z.output<T> {
  if (cursor.length > max) throw inputError('Malformed cursor: too long');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch (e) {
    throw inputError(`Malformed cursor: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw inputError(`Malformed cursor: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`);
  return parsed.data;
}
