/**
 * Bulk loading with `COPY ... FROM STDIN` (text format) inside a drizzle transaction. At catalog
 * scale (50,000 entities, half a million relation rows) COPY costs Postgres a fraction of what
 * INSERT ... SELECT FROM json_to_recordset does: no JSON to parse, no executor per row.
 * postgres.js streams the rows into the transaction's connection; PGlite reads them from a blob.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** A column value: text, NULL, or a text[] (written as an array literal). */
export type CopyValue = string | null | readonly string[];

interface PostgresJsClient {
  unsafe(query: string): { writable(): Promise<NodeJS.WritableStream> };
}

interface PgliteClient {
  query(query: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}

// The driver's client bound to the transaction's connection. drizzle keeps it on the session;
// there is no public accessor, so the shape is checked rather than assumed.
function clientOf(tx: unknown): PostgresJsClient | PgliteClient {
  const client = (tx as { session?: { client?: unknown } }).session?.client as Record<string, unknown> | undefined;
  if (client && typeof client.unsafe === 'function') return client as unknown as PostgresJsClient;
  if (client && typeof client.query === 'function') return client as unknown as PgliteClient;
  throw new Error('COPY needs a postgres.js or PGlite transaction');
}

const SPECIAL = /[\\\t\n\r]/;

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function field(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A text[] literal (also a cheap single parameter for `= any($1::text[])`): every element quoted, `"` and `\` escaped. */
export function textArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    line += (i ? '\t' : '') + (value === null || value === undefined ? '\\N' : field(typeof value === 'string' ? value : textArray(value)));
  }
  return `${line}\n`;
}

const BATCH_BYTES = 256 * 1024;

/** COPYs the rows into `table (columns)` within the transaction `tx`. */
export async function copyRows(tx: unknown, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void> {
  const statement = `copy ${table} (${columns.map((c) => `"${c}"`).join(', ')}) from `;
  const client = clientOf(tx);
  const iterator = rows[Symbol.iterator]();
  const first = iterator.next();
  if (first.done) return;
  const all = (function* () {
    yield first.value;
    for (let next = iterator.next(); !next.done; next = iterator.next()) yield next.value;
  })();
  if ('unsafe' in client) {
    const sink = await client.unsafe(`${statement}stdin`).writable();
    const done = finished(sink);
    // Lines travel in batches of a few hundred kilobytes: one stream write per row is slower than the row.
    let batch = '';
    for (const row of all) {
      batch += copyLine(row);
      if (batch.length < BATCH_BYTES) continue;
      if (!sink.write(batch)) await Promise.race([once(sink, 'drain'), done]);
      batch = '';
    }
    sink.end(batch);
    await done;
    return;
  }
  const lines: string[] = [];
  for (const row of all) lines.push(copyLine(row));
  await client.query(`${statement}'/dev/blob'`, [], { blob: new Blob(lines) });
}
