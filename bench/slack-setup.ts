/**
 * The database of `npm run bench:slack` (bench/slack.ts): a fresh Postgres database per run, and the
 * server's connection pool with a count of statements sent.
 */
import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { postgresClientOptions, type Db } from '../src/db/client.js';
import * as schema from '../src/db/schema.js';
import { POOL_SIZE } from './slack-plan.js';

export async function createDatabase(admin: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `callsheet_bench_slack_${randomBytes(4).toString('hex')}`;
  const client = postgres(admin, { max: 1, onnotice: () => {} });
  await client.unsafe(`create database "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(admin, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await cleanup.end();
    },
  };
}

/** The same driver and options as `openDatabase`, plus a counter of statements sent. */
export function countingDb(url: string) {
  const counter = { statements: 0 };
  const client = postgres(url, {
    ...postgresClientOptions(POOL_SIZE),
    debug: () => {
      counter.statements++;
    },
  });
  return { db: drizzle(client, { schema }) as unknown as Db, counter, close: () => client.end({ timeout: 5 }) };
}
