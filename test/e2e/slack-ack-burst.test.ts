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

/**
 * A Slack testbed over a seeded catalog whose first command's answer is held back (as if stuck behind
 * a busy database) until `release()`, with a clock the tests can move forward (real time, since
 * requests are signed with it).
 */
function gatedTestbed(options: { inlineWaitLimit: number; answerConcurrency?: number }) {
  const held: { database?: TestDatabase; bed?: Testbed; ahead: number; started: string[]; release: () => void } = { ahead: 0, started: [], release: () => {} };
  const gate = new Promise<void>((resolve) => (held.release = resolve));
  beforeAll(async () => {
    held.database = await createTestDatabase();
    await seedCatalog(held.database.db);
    held.bed = await startTestbed(held.database.db, {
      clock: { now: () => new Date(Date.now() + held.ahead) },
      runLine: async (line, ctx) => {
        held.started.push(line);
        if (held.started.length === 1) await gate;
        return runLine(line, ctx);
      },
      ackBudgetMs: 60_000,
      burstHoldMs: 60_000,
      ...options,
    });
  });
  afterAll(async () => {
    held.release();
    await held.bed?.close();
    await held.database?.close();
  });
  return {
    held,
    get bed(): Testbed {
      return held.bed!;
    },
    deliveredTo: (hook: string) => held.bed!.fake.accepted('response_url').filter((c) => c.hook === hook),
  };
}

describe('Slack acknowledgements in a burst', () => {
  const t = gatedTestbed({ inlineWaitLimit: 1 });
  const { held, deliveredTo } = t;

  it('acknowledges a burst at once, the waiting command included, and answers all of them through response_url', async () => {
    const first = t.bed.slash('/owner', 'payments-api', { hook: 'waiting-1' });
    await vi.waitFor(() => expect(held.started).toEqual(['owner payments-api']));

    const second = await t.bed.slash('/owner', 'ledger-service', { hook: 'burst-2' });
    expect(second.status).toBe(200);
    expect(second.text).toBe('');
    const waited = await first;
    expect(waited.status).toBe(200);
    expect(waited.text).toBe('');

    await vi.waitFor(() => expect(deliveredTo('burst-2')).toHaveLength(1));
    expect(deliveredTo('burst-2')[0].args).toMatchObject({ response_type: 'ephemeral' });
    expect(deliveredTo('burst-2')[0].args.text).toMatch(/^ledger-service is owned by Ledger/);
    expect(deliveredTo('waiting-1')).toHaveLength(0);
    held.release();
    await vi.waitFor(() => expect(deliveredTo('waiting-1')).toHaveLength(1));
    expect(deliveredTo('waiting-1')[0].args.text).toMatch(/^payments-api is owned by Payments/);
  });

  it('keeps acknowledging at once for a moment after the burst, while the server catches up', async () => {
    held.ahead += 30_000;
    const res = await t.bed.slash('/owner', 'payments-api', { hook: 'held-3' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await vi.waitFor(() => expect(deliveredTo('held-3')).toHaveLength(1));
  });

  it('answers inline again once the burst is over', async () => {
    held.ahead += 61_000;
    const res = await t.bed.slash('/owner', 'payments-api', { hook: 'after-3' });
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(res.json.text).toMatch(/^payments-api is owned by Payments/);
    expect(t.bed.fake.attempts('response_url').filter((c) => c.hook === 'after-3')).toHaveLength(0);
  });
});

/**
 * Answers run a bounded number at a time, so a burst cannot start every answer at once and make new
 * requests wait for their 200 behind that work.
 */
describe('Slack answers, a bounded number at a time', () => {
  const t = gatedTestbed({ inlineWaitLimit: 16, answerConcurrency: 1 });
  const { held, deliveredTo } = t;
  const queued = async () => (await metrics.answersQueued.get()).values.find((v) => v.labels.platform === 'slack')?.value ?? 0;

  it('acknowledges a command at once while the answer slots are taken, and queues its answer', async () => {
    const first = t.bed.slash('/owner', 'payments-api', { hook: 'busy-1' });
    await vi.waitFor(() => expect(held.started).toEqual(['owner payments-api']));

    const second = await t.bed.slash('/owner', 'ledger-service', { hook: 'queued-2' });
    expect(second.status).toBe(200);
    expect(second.text).toBe('');
    expect((await first).text).toBe('');
    // Waiting for the one slot, not running beside the first (and visible on /metrics).
    expect(await queued()).toBe(1);

    held.release();
    await vi.waitFor(() => expect(deliveredTo('queued-2')).toHaveLength(1));
    expect(deliveredTo('queued-2')[0].args.text).toMatch(/^ledger-service is owned by Ledger/);
    await vi.waitFor(() => expect(deliveredTo('busy-1')).toHaveLength(1));
    expect(held.started).toEqual(['owner payments-api', 'owner ledger-service']);
    expect(await queued()).toBe(0);
  });

  it('answers inline again once the queue is empty and the burst is over', async () => {
    held.ahead += 61_000;
    const res = await t.bed.slash('/owner', 'payments-api', { hook: 'after-3' });
    expect(res.json.text).toMatch(/^payments-api is owned by Payments/);
  });
});
