/**
 * In a burst, answers queue for the database. Only a bounded number of slash commands wait for an
 * inline answer; one more and every one of them gets Slack's 200 at once and its answer through
 * response_url.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runLine } from '../../src/commands/run.js';
import { metrics } from '../../src/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';
import { startTestbed, type Testbed } from '../helpers/slack-testbed.js';

describe('Slack acknowledgements in a burst', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  // Real time (requests are signed with it) that the tests can move forward.
  let ahead = 0;
  const clock = { now: () => new Date(Date.now() + ahead) };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    bed = await startTestbed(database.db, {
      clock,
      // The first command's answer is held back, as if stuck behind a busy database.
      runLine: async (line, ctx) => {
        started.push(line);
        if (started.length === 1) await gate;
        return runLine(line, ctx);
      },
      ackBudgetMs: 60_000,
      inlineWaitLimit: 1,
      burstHoldMs: 60_000,
    });
  });
  afterAll(async () => {
    release?.();
    await bed?.close();
    await database?.close();
  });

  const deliveredTo = (hook: string) => bed.fake.accepted('response_url').filter((c) => c.hook === hook);

  it('acknowledges a burst at once, the waiting command included, and answers all of them through response_url', async () => {
    const first = bed.slash('/owner', 'payments-api', { hook: 'waiting-1' });
    await vi.waitFor(() => expect(started).toEqual(['owner payments-api']));

    const second = await bed.slash('/owner', 'ledger-service', { hook: 'burst-2' });
    expect(second.status).toBe(200);
    expect(second.text).toBe('');
    const waited = await first;
    expect(waited.status).toBe(200);
    expect(waited.text).toBe('');

    await vi.waitFor(() => expect(deliveredTo('burst-2')).toHaveLength(1));
    expect(deliveredTo('burst-2')[0].args).toMatchObject({ response_type: 'ephemeral' });
    expect(deliveredTo('burst-2')[0].args.text).toMatch(/^ledger-service is owned by Ledger/);
    expect(deliveredTo('waiting-1')).toHaveLength(0);
    release();
    await vi.waitFor(() => expect(deliveredTo('waiting-1')).toHaveLength(1));
    expect(deliveredTo('waiting-1')[0].args.text).toMatch(/^payments-api is owned by Payments/);
  });

  it('keeps acknowledging at once for a moment after the burst, while the server catches up', async () => {
    ahead += 30_000;
    const res = await bed.slash('/owner', 'payments-api', { hook: 'held-3' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await vi.waitFor(() => expect(deliveredTo('held-3')).toHaveLength(1));
  });

  it('answers inline again once the burst is over', async () => {
    ahead += 61_000;
    const res = await bed.slash('/owner', 'payments-api', { hook: 'after-3' });
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(res.json.text).toMatch(/^payments-api is owned by Payments/);
    expect(bed.fake.attempts('response_url').filter((c) => c.hook === 'after-3')).toHaveLength(0);
  });
});

/**
 * Answers run a bounded number at a time, so a burst cannot start every answer at once and make new
 * requests wait for their 200 behind that work.
 */
describe('Slack answers, a bounded number at a time', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  // Real time (requests are signed with it) that the tests can move forward.
  let ahead = 0;
  const clock = { now: () => new Date(Date.now() + ahead) };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
    bed = await startTestbed(database.db, {
      clock,
      runLine: async (line, ctx) => {
        started.push(line);
        if (started.length === 1) await gate;
        return runLine(line, ctx);
      },
      ackBudgetMs: 60_000,
      inlineWaitLimit: 16,
      answerConcurrency: 1,
      burstHoldMs: 60_000,
    });
  });
  afterAll(async () => {
    release?.();
    await bed?.close();
    await database?.close();
  });

  const deliveredTo = (hook: string) => bed.fake.accepted('response_url').filter((c) => c.hook === hook);
  const queued = async () => (await metrics.answersQueued.get()).values.find((v) => v.labels.platform === 'slack')?.value ?? 0;

  it('acknowledges a command at once while the answer slots are taken, and queues its answer', async () => {
    const first = bed.slash('/owner', 'payments-api', { hook: 'busy-1' });
    await vi.waitFor(() => expect(started).toEqual(['owner payments-api']));

    const second = await bed.slash('/owner', 'ledger-service', { hook: 'queued-2' });
    expect(second.status).toBe(200);
    expect(second.text).toBe('');
    expect((await first).text).toBe('');
    // Waiting for the one slot, not running beside the first (and visible on /metrics).
    expect(await queued()).toBe(1);

    release();
    await vi.waitFor(() => expect(deliveredTo('queued-2')).toHaveLength(1));
    expect(deliveredTo('queued-2')[0].args.text).toMatch(/^ledger-service is owned by Ledger/);
    await vi.waitFor(() => expect(deliveredTo('busy-1')).toHaveLength(1));
    expect(started).toEqual(['owner payments-api', 'owner ledger-service']);
    expect(await queued()).toBe(0);
  });

  it('answers inline again once the queue is empty and the burst is over', async () => {
    ahead += 61_000;
    const res = await bed.slash('/owner', 'payments-api', { hook: 'after-3' });
    expect(res.json.text).toMatch(/^payments-api is owned by Payments/);
  });
});
