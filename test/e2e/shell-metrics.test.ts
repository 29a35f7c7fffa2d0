/**
 * /metrics as a platform team reads it: prom-client's process metrics carry our prefix once
 * (`callsheet_process_cpu_…`, not `callsheet_process_process_cpu_…`), and the shell's commands are
 * counted and timed with `platform="shell"` as Slack's and Teams' are.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { demoCatalogDir } from '../helpers/seed.js';

describe.sequential('/metrics names and the shell', () => {
  let service: RunningService;
  let database: TestDatabase | undefined;
  let dataDir: string;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-shell-metrics-'));
    if (testDatabaseUrl()) database = await createTestDatabase();
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...(database?.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4' } : {}),
      CATALOG_SOURCES: demoCatalogDir,
      TEMPLATE_SOURCES: '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'false',
      METRICS_PORT: '0',
    });
    service = await startService(config, { shell: true, input, output, logger: silentLogger() });
    await service.firstSync;
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
