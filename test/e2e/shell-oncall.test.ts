/**
 * On-call now and paging in the local shell, against the whole service and the PagerDuty/Opsgenie
 * fakes: the Page button is a numbered `page` line, and paging needs PAGE typed to confirm.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningService } from '../../src/cli/serve.js';
import { startDemoService, type DemoService } from '../helpers/demo-service.js';
import { PAYMENTS_KEY, startOnCallFakes, type OnCallBed } from '../helpers/oncall-bed.js';

describe.sequential('on-call in the shell', () => {
  let service: RunningService;
  let fakes: OnCallBed;
  let bed: DemoService | undefined;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  /** Types a line and returns what was printed after it once `until` shows up. */
  async function type(line: string, until: string | RegExp): Promise<string> {
    const from = printed.length;
    input.write(`${line}\n`);
    await vi.waitFor(() => expect(printed.slice(from)).toMatch(until), { timeout: 10_000 });
    return printed.slice(from);
  }

  beforeAll(async () => {
    fakes = await startOnCallFakes(Date.now());
    bed = await startDemoService('shell-oncall', {
      CALLSHEET_USER: 'alice.nguyen@acmepay.example',
      PAGERDUTY_TOKEN: 'pd-test-token',
      PAGERDUTY_API_URL: fakes.pd.url,
      PAGERDUTY_EVENTS_URL: fakes.pd.url,
      OPSGENIE_API_KEY: 'og-test-key',
      OPSGENIE_API_URL: fakes.og.url,
      PAGE_ALLOWED_GROUPS: 'group:default/payments',
    }, { shell: true, input, output });
    service = bed.service;
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
    await fakes?.close();
  });

  it('answers oncall with who is on call now, until when, and who is next', async () => {
    const out = await type('oncall payments-api', /Next: /);
    expect(out).toContain('On call now: Payments API (PagerDuty)');
    expect(out).toMatch(/Now: Alice Nguyen <alice\.nguyen@acmepay\.example> \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(out).toMatch(/Next: Bruno Costa <bruno\.costa@acmepay\.example> \(from /);
  });

  it('numbers the Page button of owner as a page line, and cancels unless PAGE is typed', async () => {
    const owner = await type('owner payments-api', /page component:default\/payments-api/);
    const number = owner.match(/\[(\d+)\] page component:default\/payments-api/)![1]!;
    expect(owner).not.toContain(PAYMENTS_KEY);
    await type(number, /Type PAGE to page/);
    const cancelled = await type('yes', /Not paged/);
    expect(cancelled).toContain('Nobody was woken up');
    expect(fakes.pd.events).toHaveLength(0);
  });

  it('pages once PAGE is typed, and says who paged', async () => {
    await type('page payments-api', /Type PAGE to page/);
    const out = await type('PAGE', /paged on-call for/);
    expect(out).toContain('Alice Nguyen <alice.nguyen@acmepay.example> paged on-call for Payments API (payments-api) through PagerDuty.');
    expect(fakes.pd.events).toHaveLength(1);
    expect(fakes.pd.events[0]).toMatchObject({ routing_key: PAYMENTS_KEY, payload: { custom_details: { platform: 'shell' } } });
  });
});
