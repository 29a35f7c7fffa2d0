/**
 * Backstage's filter predicates (the `query` of POST /entities/by-query, /entity-facets and
 * /entities/by-refs), parsed and checked once into a small tree that entity-predicate-match.ts
 * evaluates. The language is the one Backstage's catalog backend accepts (@backstage/filter-predicates'
 * schema, then the backend's own checks when it builds SQL):
 *
 *   { "kind": "component", "spec.type": { "$in": ["service", "website"] } }   every field must match
 *   { "$all": [...] }, { "$any": [...] }, { "$not": {...} }                     alone in their object
 *   value: a string, number or boolean (case-insensitive equality), { "$exists": bool },
 *          { "$in": [...] }, { "$hasPrefix": "..." }, { "$contains": primitive }, and on
 *          `relations` { "$contains": { "type": "ownedBy", "targetRef": "..." | { "$in": [...] } } }
 *
 * Stricter than Backstage in two ways, both answered with a 400 naming the place: an operator object
 * with more than one key (Backstage's schema silently keeps the first operator that parses and drops
 * the rest), and size (at most MAX_DEPTH levels, MAX_TERMS terms and MAX_QUERY_CHARS characters), so a request cannot make the
 * evaluator recurse or loop without bound.
 */
import { inputError } from './errors.js';

export type Matcher =
  /** Any of these lower-cased values. */
  | { eq: string[] }
  | { exists: boolean }
  | { prefix: string }
  /** A relation of this (lower-cased) type, to any of these targets when given. */
  | { relation: string; targets?: string[] };

export type Predicate = { all: Predicate[] } | { any: Predicate[] } | { not: Predicate } | { fields: Array<[key: string, matcher: Matcher]> };

export const MAX_DEPTH = 32;
export const MAX_TERMS = 2000;
/** Characters of the query as JSON: a cursor carries the query, and must fit the next request's body. */
export const MAX_QUERY_CHARS = 64_000;

const lower = (s: string) => s.toLocaleLowerCase('en-US');

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: Json): v is string | number | boolean => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';
const show = (v: Json) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};
const at = (path: string, key: string) => `${path}[${JSON.stringify(key)}]`;

/** Parses a predicate as it came in a request body; throws a 400 InputError saying where it is wrong. */
export function parsePredicate(raw: Json): Predicate {
  const chars = JSON.stringify(raw)?.length ?? 0;
  if (chars > MAX_QUERY_CHARS) throw inputError(`Invalid query: ${chars} characters as JSON, at most ${MAX_QUERY_CHARS} are accepted`);
  let terms = 0;
  const fail = (path: string, why: string): never => {
    throw inputError(`Invalid query: at ${path}: ${why}`);
  };
  const count = (path: string, n = 1) => {
    terms += n;
    if (terms > MAX_TERMS) fail(path, `more than ${MAX_TERMS} terms in one query`);
  };

  const predicate = (value: Json, path: string, depth: number): Predicate => {
    if (depth > MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels`);
    count(path);
    if (!isObject(value)) return fail(path, `expected an object such as { "kind": "component" }, got ${show(value)}`);
    const keys = Object.keys(value);
    const operators = keys.filter((k) => k.startsWith('$'));
    if (operators.length) {
      const op = operators[0];
      if (keys.length > 1) fail(path, `${op} must be the only key of its object (wrap in $all to combine conditions), got keys ${keys.join(', ')}`);
      const operand = value[op];
      if (op === '$not') return { not: predicate(operand, `${path}.$not`, depth + 1) };
      if (op === '$all' || op === '$any') {
        if (!Array.isArray(operand)) fail(`${path}.${op}`, `expected an array of predicates, got ${show(operand)}`);
        const of = (operand as Json[]).map((p, i) => predicate(p, `${path}.${op}[${i}]`, depth + 1));
        return op === '$all' ? { all: of } : { any: of };
      }
      return fail(path, `unknown operator ${op}, expected $all, $any or $not (or a field name)`);
    }
    const fields: Array<[string, Matcher]> = [];
    for (const key of keys) {
      if (/[\n\r\u2028\u2029]/.test(key)) fail(at(path, key), 'a field name cannot contain a line break');
      fields.push([lower(key), matcher(value[key], lower(key), at(path, key), depth + 1)]);
    }
    return { fields };
  };

  const matcher = (value: Json, key: string, path: string, depth: number): Matcher => {
    if (depth > MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels`);
    count(path);
    if (isPrimitive(value)) return { eq: [lower(String(value))] };
    if (!isObject(value)) return fail(path, `expected a string, number, boolean or one of $exists, $in, $hasPrefix, $contains; got ${show(value)}`);
    const keys = Object.keys(value);
    if (keys.length !== 1 || !keys[0].startsWith('$')) {
      return fail(path, `expected a string, number, boolean or an object with exactly one of $exists, $in, $hasPrefix, $contains; got ${show(value)}`);
    }
    const op = keys[0];
    const operand = value[op];
    switch (op) {
      case '$exists':
        if (typeof operand !== 'boolean') fail(`${path}.$exists`, `expected true or false, got ${show(operand)}`);
        return { exists: operand as boolean };
      case '$in': {
        if (!Array.isArray(operand) || !operand.every(isPrimitive)) fail(`${path}.$in`, `expected an array of strings, numbers or booleans, got ${show(operand)}`);
        const values = operand as Array<string | number | boolean>;
        count(path, values.length);
        return { eq: values.map((v) => lower(String(v))) };
      }
      case '$hasPrefix':
        if (typeof operand !== 'string') fail(`${path}.$hasPrefix`, `expected a string, got ${show(operand)}`);
        return { prefix: lower(operand as string) };
      case '$contains':
        if (isPrimitive(operand)) return { eq: [lower(String(operand))] };
        if (key === 'relations' && isObject(operand)) return relation(operand, `${path}.$contains`);
        return fail(`${path}.$contains`, `expected a string, number or boolean${key === 'relations' ? ', or { "type": ..., "targetRef": ... }' : ' (the object form is only for "relations")'}; got ${show(operand)}`);
      default:
        return fail(path, `unknown value operator ${op}, expected $exists, $in, $hasPrefix or $contains`);
    }
  };

  const relation = (target: Record<string, Json>, path: string): Matcher => {
    let type: string | undefined;
    let targets: string[] | undefined;
    for (const [rawKey, v] of Object.entries(target)) {
      const key = rawKey.toLowerCase();
      if (key === 'type') {
        if (type !== undefined) fail(path, `duplicate key "${rawKey}"`);
        if (typeof v !== 'string' || !v) fail(at(path, rawKey), `expected the relation type as a string, got ${show(v)}`);
        type = lower(v as string);
      } else if (key === 'targetref') {
        if (targets !== undefined) fail(path, `duplicate key "${rawKey}"`);
        if (typeof v === 'string') targets = [lower(v)];
        else if (isObject(v) && Object.keys(v).length === 1 && Array.isArray(v.$in) && v.$in.length && v.$in.every((t) => typeof t === 'string')) targets = (v.$in as string[]).map(lower);
        else fail(at(path, rawKey), `expected an entity ref or { "$in": [refs] } (not empty), got ${show(v)}`);
        count(path, targets!.length);
      } else fail(at(path, rawKey), 'only "type" and "targetRef" can be matched in a relation');
    }
    if (type === undefined) fail(path, '$contains on "relations" needs a "type"');
    return targets ? { relation: type!, targets } : { relation: type! };
  };

  return predicate(raw, 'query', 0);
}
