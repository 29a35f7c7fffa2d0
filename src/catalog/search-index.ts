/**
 * Keeps the search index (migration 0014) in step with what sync writes: called in the write
 * transaction with the refs just inserted, updated or deleted. The SQL function does the work, so
 * the migration's back-fill and every later write build the same documents.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { textArray } from '../db/copy.js';

export async function indexForSearch(tx: Pick<Db, 'execute'>, refs: readonly string[]): Promise<void> {
  if (!refs.length) return;
  await tx.execute(sql`select callsheet_index_search(${textArray([...refs])}::text[])`);
}
