import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShell } from '../../adapters/shell/shell.js';
import { runLine } from '../../src/commands/run.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedCatalog } from '../helpers/seed.js';

/** A shell over real streams; `output()` is everything printed so far. */
function harness(database: TestDatabase) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const lines: string[] = [];
  const shell = startShell({
    input,
    output,
    prompt: 'cs> ',
    run: (line) => {
      lines.push(line);
      return runLine(line, commandContext(database.db));
    },
  });
  /** Waits until the output has grown by n prompts. */
  const prompts = () => printed.split('cs> ').length - 1;
  const until = async (n: number) => {
    while (prompts() < n) await new Promise((r) => setTimeout(r, 10));
  };
  return { input, shell, lines, output: () => printed, until };
}

describe('shell adapter over streams', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCatalog(database.db);
  });
  afterAll(async () => database?.close());

  it('answers commands with and without a slash, picks numbered buttons, and exits', async () => {
    const h = harness(database);
    await h.until(1);
    h.input.write('owner payments-api\n');
    await h.until(2);
    expect(h.output()).toContain('Payments API (Component)');
    expect(h.output()).toContain('Channel: #team-payments');
    expect(h.output()).toContain('Alice Nguyen <alice.nguyen@acmepay.example>');
    expect(h.output()).toContain('[1] deps component:default/payments-api');

    h.input.write('/owner paymnts-api\n');
    await h.until(3);
    expect(h.output()).toContain('Did you mean:');
    expect(h.output()).toMatch(/\[1\] owner component:default\/payments-api/);

    h.input.write('1\n');
    await h.until(4);
    expect(h.lines).toEqual(['owner payments-api', '/owner paymnts-api', 'owner component:default/payments-api']);
    expect(h.output()).toContain('> owner component:default/payments-api');

    h.input.write('42\n');
    await h.until(5);
    expect(h.output()).toMatch(/There is no \[42\]; pick 1 to \d+\./);

    h.input.write('quit\n');
    await h.shell.closed;
    expect(h.lines).toHaveLength(3);
  });

  it('answers lines in order even when they arrive together, and closes at end of input (Ctrl-D)', async () => {
    const h = harness(database);
    h.input.write('team sre\nfrobnicate\n\ndeps ledger-db\n');
    h.input.end();
    await h.shell.closed;
    const out = h.output();
    expect(h.lines).toEqual(['team sre', 'frobnicate', 'deps ledger-db']);
    const order = ['Team Site Reliability', 'Unknown command "frobnicate"', 'Dependencies of Ledger database'].map((t) => out.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('understands natural phrasings: who owns X, what depends on X (issue 16)', async () => {
    const h = harness(database);
    h.input.write('who owns payments-api?\nwhat depends on ledger-db\nwhat does team payments own\n');
    h.input.end();
    await h.shell.closed;
    const out = h.output();
    expect(out).toContain('Payments API (Component)');
    expect(out).toContain('Dependencies of Ledger database');
    expect(out).toMatch(/Team Payments/);
    expect(out).not.toContain('Unknown command');
  });

  it('close() stops it from outside', async () => {
    const h = harness(database);
    await h.until(1);
    await h.shell.close();
    await h.shell.closed;
    h.input.write('owner payments-api\n');
    expect(h.lines).toEqual([]);
  });
});
