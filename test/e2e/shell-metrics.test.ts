/**
 * /metrics as a platform team reads it: prom-client's process metrics carry our prefix once
 * (`callsheet_process_cpu_…`, not `callsheet_process_process_cpu_…`), and the shell's commands are
 * counted and timed with `platform="shell"` as Slack's and Teams' are.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningService } from '../../src/cli/serve.js';
import { startDemoService, type DemoService } from '../helpers/demo-service.js';

describe.sequential('/metrics names and the shell', () => {
  let service: RunningService;
  let bed: DemoService | undefined;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));

  beforeAll(async () => {
    bed = await startDemoService('shell-metrics', {
      METRICS_PORT: '0',
    }, { shell: true, input, output });
    service = bed.service;
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  it('counts a shell command and names process metrics once', async () => {
    const { registry } = await import('../../src/metrics.js');
    input.write('owner payments-api\n');
    await vi.waitFor(() => expect(printed).toMatch(/payments/i), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await registry.metrics()).toMatch(/callsheet_commands_total\{platform="shell",command="owner",outcome="ok"\} 1/), { timeout: 10_000 });
    const text = await registry.metrics();
    expect(text).toMatch(/callsheet_command_duration_seconds_count\{platform="shell",command="owner"\} 1/);
    expect(text).toContain('callsheet_process_cpu_user_seconds_total');
    expect(text).toContain('callsheet_nodejs_eventloop_lag_seconds');
    expect(text).not.toContain('process_process');
  });
});
