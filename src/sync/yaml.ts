/**
 * Bounded multi-document YAML parsing: a catalog file is untrusted input, so its size, its number of
 * documents and its alias expansion are capped before anything is built from it. A "billion laughs"
 * file fails at the alias limit in microseconds instead of expanding into gigabytes.
 */
import { LineCounter, parseAllDocuments } from 'yaml';

export interface YamlLimits {
  maxBytes: number;
  maxDocuments: number;
  /** Aliases a document may expand (yaml's `maxAliasCount`); Backstage's files use none or a few. */
  maxAliasCount?: number;
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

export function checkSize(bytes: number, limits: YamlLimits): void {
  if (bytes > limits.maxBytes) throw new YamlError(`file is ${bytes} bytes, larger than the limit of ${limits.maxBytes} bytes (MAX_FILE_BYTES)`);
}

/** Every non-null document of a YAML stream. Throws YamlError (with a line where known). */
export function parseYamlDocuments(text: string, limits: YamlLimits): YamlDocument[] {
  checkSize(Buffer.byteLength(text, 'utf8'), limits);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > limits.maxDocuments) {
    throw new YamlError(`file holds ${list.length} YAML documents, more than the limit of ${limits.maxDocuments} (MAX_DOCUMENTS_PER_FILE)`);
  }
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
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount ?? DEFAULT_ALIAS_COUNT });
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

/** One YAML value (for `$yaml` placeholders), with the same bounds. */
export function parseYamlValue(text: string, limits: YamlLimits): unknown {
  const docs = parseYamlDocuments(text, { ...limits, maxDocuments: 1 });
  return docs[0]?.value ?? null;
}

/** yaml's first message line, without the position it appends (the caller prints `file:line:`). */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
