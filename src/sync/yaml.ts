/**
 * Bounded multi-document YAML parsing: a catalog file is untrusted input, so its size, its number of
 * documents and its alias expansion are capped before anything is built from it. A "billion laughs"
 * file fails at the alias limit in microseconds instead of expanding into gigabytes.
 *
 * The `yaml` package (what Backstage parses with) is the reference. It costs about 0.3 ms per small
 * document, too slow for a 50,000-entity sync, so a file that cannot hold an alias (no `&anchor`)
 * is first parsed by js-yaml with a schema that resolves scalars as YAML 1.2 core does
 * (yaml-core-schema.ts); anything the guard (yaml-fast-guard.ts) finds unusual (anchors, tags, null
 * keys), and anything js-yaml rejects, goes through `yaml` for its values, its alias limit and its
 * error messages and lines. test/unit/sync-yaml-fast-path.test.ts proves both agree.
 */
import jsYaml from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import { YAML_12_CORE_SCHEMA } from './yaml-core-schema.js';
import { fastPathSafe, hasSuspectKey } from './yaml-fast-guard.js';

export interface YamlLimits {
  maxBytes: number;
  maxDocuments: number;
  /** Aliases a document may expand (yaml's `maxAliasCount`); Backstage's files use none or a few. */
  maxAliasCount?: number;
  /** Deepest nesting of mappings and sequences a document may have (MAX_NESTING_DEPTH). */
  maxDepth?: number;
}

export interface YamlDocument {
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
}

export class YamlError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const DEFAULT_ALIAS_COUNT = 100;
/**
 * Entities nest a handful of levels (a Template's parameter schemas a dozen or two). A document
 * nested thousands deep (`[[[[…`, easy to write in a 16 MiB file) would exhaust the parsers'
 * recursion or every later walk over the value; it is refused with this named limit instead.
 */
export const MAX_NESTING_DEPTH = 64;

export function checkSize(bytes: number, limits: YamlLimits): void {
  if (bytes > limits.maxBytes) throw new YamlError(`file is ${bytes} bytes, larger than the limit of ${limits.maxBytes} bytes (MAX_FILE_BYTES)`);
}


/** Every non-null document of a YAML stream. Throws YamlError (with a line where known). */
export function parseYamlDocuments(text: string, limits: YamlLimits): YamlDocument[] {
  checkSize(Buffer.byteLength(text, 'utf8'), limits);
  const maxDepth = limits.maxDepth ?? MAX_NESTING_DEPTH;
  // Flow nesting is found before parsing: the parsers recurse once per level.
  if (flowDepth(text) > maxDepth) throw new YamlError(nestingMessage(maxDepth));
  let docs: YamlDocument[];
  try {
    docs = (fastPathSafe(text) ? parseWithoutAliases(text, limits) : undefined) ?? parseReference(text, limits);
  } catch (e) {
    // Block nesting (one indent per level) deep enough to exhaust the stack.
    if (e instanceof RangeError) throw new YamlError(nestingMessage(maxDepth));
    throw e;
  }
  for (const doc of docs) if (depthOf(doc.value, maxDepth) > maxDepth) throw new YamlError(nestingMessage(maxDepth), doc.line);
  return docs;
}

const tooManyDocuments = (count: number, limits: YamlLimits) =>
  new YamlError(`file holds ${count} YAML documents, more than the limit of ${limits.maxDocuments} (MAX_DOCUMENTS_PER_FILE)`);

const nestingMessage = (max: number) => `YAML nests deeper than ${max} levels (mappings and sequences inside each other); catalog entities nest a few`;

/** The deepest `[`/`{` nesting, counting brackets in quoted text too (over-counting only refuses earlier). */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}

/** Nesting depth of a parsed value, without recursion, stopping once past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const inner of Array.isArray(v) ? v : Object.values(v)) if (inner !== null && typeof inner === 'object') stack.push([inner, d + 1]);
  }
  return max;
}

/** js-yaml's documents with their first lines, or undefined when js-yaml rejects the text. */
function parseWithoutAliases(text: string, limits: YamlLimits): YamlDocument[] | undefined {
  const values: unknown[] = [];
  try {
    jsYaml.loadAll(text, (doc) => values.push(doc), { schema: YAML_12_CORE_SCHEMA });
  } catch {
    return undefined;
  }
  // Refused here: the reference parser would spend seconds on a 16 MiB file only to count the same.
  if (values.length > limits.maxDocuments) throw tooManyDocuments(values.length, limits);
  if (values.some(hasSuspectKey)) return undefined;
  // Lines of each document's first content, found the way yaml reports them.
  const starts = documentLines(text);
  if (!starts || starts.length !== values.length) return undefined;
  const out: YamlDocument[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const line = starts[i];
    if (line === undefined) return undefined;
    out.push({ value, line });
  }
  return out;
}

/**
 * First content line of each document (the line yaml reports), or undefined for the unusual
 * layouts (content on the `---` line, `...`, directives) that the reference parser handles.
 */
function documentLines(text: string): (number | undefined)[] | undefined {
  const segments: { first?: number }[] = [{}];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^---(\s|$)/.test(line)) {
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) return undefined;
      segments.push({});
    } else if (/^(\.\.\.|%)/.test(line)) {
      return undefined;
    } else if (segments[segments.length - 1]!.first === undefined && line.trim() !== '' && !line.trimStart().startsWith('#')) {
      segments[segments.length - 1]!.first = i + 1;
    }
  }
  // Text before the first `---` is a document only when it has content.
  if (segments[0]!.first === undefined) segments.shift();
  return segments.map((s) => s.first);
}

/** The `yaml` package alone (the reference the fast path must agree with). */
export function parseReference(text: string, limits: YamlLimits): YamlDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > limits.maxDocuments) throw tooManyDocuments(list.length, limits);
  const out: YamlDocument[] = [];
  for (const doc of list) {
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const [error] = doc.errors;
    if (error) {
      const at = error.linePos?.[0]?.line ?? line;
      throw new YamlError(`YAML error: ${firstLine(error.message)}`, at);
    }
    let value: unknown;
    try {
      // JSON mode, as Backstage's parser calls toJSON(): a !!timestamp becomes its ISO string.
      value = doc.toJS({ json: true, maxAliasCount: limits.maxAliasCount ?? DEFAULT_ALIAS_COUNT });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new YamlError(
        /alias/i.test(message) ? `YAML aliases expand too much (more than ${limits.maxAliasCount ?? DEFAULT_ALIAS_COUNT} alias uses; a "billion laughs" document?)` : `YAML error: ${message}`,
        line,
      );
    }
    if (value !== null && value !== undefined) out.push({ value, line });
  }
  return out;
}

/**
 * The one YAML document of a `$yaml` placeholder, with the same bounds. As in Backstage, an empty
 * file or a file of several documents is an error (a document holding only `null` counts).
 */
export function parseYamlValue(text: string, limits: YamlLimits, target = 'the file'): unknown {
  const docs = parseAllDocuments(text);
  const count = Array.isArray(docs) ? docs.length : 0;
  if (count !== 1) throw new YamlError(`expected to find exactly one document of data at ${target}, found ${count}`);
  return parseReference(text, { ...limits, maxDocuments: 1 })[0]?.value ?? null;
}

/** yaml's first message line, without the position it appends (the caller prints `file:line:`). */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
