/**
 * A COPY FROM STDIN the server rejects must fail with the server's error, roll its transaction
 * back and leave the pool working. postgres.js 3.4.9 dropped an ErrorResponse that arrived after
 * the client's CopyDone (every COPY smaller than one batch, so a trigger or constraint failing on
 * any row): the stream never finished, the transaction hung until its connection was torn down,
 * and the sync then saw CONNECTION_CLOSED, took it for a lost connection and retried into the
 * same hang (issues 11 and 12). A real connection loss mid-COPY must still read as transient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { copyRows, type CopyValue } from '../../src/db/copy.js';
import { isTransientDbError } from '../../src/db/transient.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const onPostgres = Boolean(testDatabaseUrl());
if (!onPostgres) console.log('copy-errors: the connection-loss case needs Postgres (TEST_DATABASE_URL unset); it is skipped');

function rows(count: number, name: (i: number) => string): CopyValue[][] {
  return Array.from({ length: count }, (_, i) => [name(i), String(i)]);
}

describe('copyRows when the server rejects a row', () => {
  let database: TestDatabase;
  // drizzle's transaction type differs between the two drivers; copyRows takes either.
  let db: { execute(q: ReturnType<typeof sql.raw>): Promise<unknown>; transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> };

  const count = async (): Promise<number> => {
    const result = (await db.execute(sql.raw('select count(*)::int as n from copy_t'))) as { rows?: { n: number }[] } & { n: number }[];
    return Number((result.rows ?? result)[0]!.n);
  };

  /** The error a transaction that COPYs `data` fails with (or null), after an insert that must roll back too. */
  async function failingCopy(data: CopyValue[][]): Promise<{ code?: string; message: string } | null> {
    return db
      .transaction(async (tx) => {
        await (tx as typeof db).execute(sql.raw(`insert into copy_t (name, n) values ('before', -1)`));
        await copyRows(tx, 'copy_t', ['name', 'n'], data);
      })
      .then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
  }

  /** The pool still hands out working connections: more transactions than connections, each with a COPY. */
  async function poolWorks(): Promise<void> {
    await db.execute(sql.raw('delete from copy_t'));
    await Promise.all(
      Array.from({ length: 8 }, (_, k) => db.transaction(async (tx) => copyRows(tx, 'copy_t', ['name', 'n'], rows(3, (i) => `ok-${k}-${i}`)))),
    );
    expect(await count()).toBe(24);
    await db.execute(sql.raw('delete from copy_t'));
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db as unknown as typeof db;
    await db.execute(sql.raw('create table copy_t (name text primary key, n int not null check (n < 1000000))'));
    await db.execute(
      sql.raw(
        `create function copy_boom() returns trigger language plpgsql as $$ begin if new.name = 'boom' then raise exception 'disk full'; end if; return new; end $$`,
      ),
    );
    await db.execute(sql.raw('create trigger copy_boom before insert on copy_t for each row execute function copy_boom()'));
  });
  afterAll(async () => database?.close());

  it('a trigger failing on a row of a small COPY (the error comes after CopyDone) gives the server error', async () => {
    const error = await failingCopy([['a', '1'], ['boom', '2'], ['c', '3']]);
    expect(error).not.toBeNull();
    expect(error!.message).toMatch(/disk full/);
    if (onPostgres) expect(error!.code).toBe('P0001');
    expect(isTransientDbError(error)).toBe(false);
    expect(await count()).toBe(0);
    await poolWorks();
  });

  it('a constraint failing early in a COPY of many batches (the error comes while rows are still sent) gives the server error', async () => {
    // Far more than one 256 KB batch, so the server rejects row 10 while the client still writes.
    const data = rows(60_000, (i) => `row-${i}-${'x'.repeat(20)}`);
    data[10] = ['bad', '5000000'];
    const error = await failingCopy(data);
    expect(error).not.toBeNull();
    expect(error!.message).toMatch(/check constraint/);
    if (onPostgres) expect(error!.code).toBe('23514');
    expect(isTransientDbError(error)).toBe(false);
    expect(await count()).toBe(0);
    await poolWorks();
  });

  it('a duplicate key on the last row gives the unique violation, for every one of several runs in a row', async () => {
    for (let run = 0; run < 7; run++) {
      const error = await failingCopy([['d', '1'], ['d', '2']]);
      expect(error?.message).toMatch(/duplicate key/);
      if (onPostgres) expect(error!.code).toBe('23505');
    }
    expect(await count()).toBe(0);
    await poolWorks();
  });

  it.skipIf(!onPostgres)('a connection lost mid-COPY is still a transient error, and the pool recovers', async () => {
    // The backend terminates itself on one row: a real connection loss in the middle of the COPY.
    await db.execute(
      sql.raw(
        `create function copy_die() returns trigger language plpgsql as $$ begin if new.name = 'die' then perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5); end if; return new; end $$`,
      ),
    );
    await db.execute(sql.raw('create trigger copy_die before insert on copy_t for each row execute function copy_die()'));
    try {
      const error = await failingCopy([['a', '1'], ['die', '2'], ['c', '3']]);
      expect(error).not.toBeNull();
      expect(error!.code).toMatch(/^(CONNECTION_CLOSED|ECONNRESET|EPIPE|57P01)$/);
      expect(isTransientDbError(error)).toBe(true);
    } finally {
      await db.execute(sql.raw('drop trigger copy_die on copy_t'));
    }
    expect(await count()).toBe(0);
    await poolWorks();
  });
});
