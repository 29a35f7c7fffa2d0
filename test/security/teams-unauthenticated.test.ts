/**
 * TEAMS_ALLOW_UNAUTHENTICATED opens /api/messages to anyone; it was refused only when NODE_ENV was
 * exactly `production`, so `prod`, `staging` or `Production` ran unauthenticated (issue 13). Now
 * only development and test allow it; the service refuses to start otherwise, and does not listen.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/serve.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';

const root = new URL('../..', import.meta.url).pathname;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callsheet-teams-unauth-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const base = () => ({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', CATALOG_SOURCES: '', TEMPLATE_SOURCES: '', LOG_LEVEL: 'silent', NUDGE_ENABLED: 'false', TEAMS_ALLOW_UNAUTHENTICATED: 'true' });

describe('TEAMS_ALLOW_UNAUTHENTICATED', () => {
  it.each(['prod', 'staging', 'Production', 'production', 'PRODUCTION ', 'qa'])('is refused with NODE_ENV=%j', (nodeEnv) => {
    expect(() => loadConfig({ ...base(), NODE_ENV: nodeEnv })).toThrow(ConfigError);
  });

  it('`callsheet serve` exits 1 with the reason instead of serving unauthenticated Teams', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|TEST_DATABASE_URL|MICROSOFT_)/.test(k))), ...base(), NODE_ENV: 'staging' };
      execFile(process.execPath, ['bin/callsheet.js', 'serve'], { cwd: root, env, timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TEAMS_ALLOW_UNAUTHENTICATED: .*only when NODE_ENV is development or test \(it is "staging"\)/);
  });

  it('still works for the local emulator with NODE_ENV=development or test', async () => {
    for (const nodeEnv of ['development', 'test']) {
      const service = await startService(loadConfig({ ...base(), NODE_ENV: nodeEnv }), { shell: false, logger: silentLogger() });
      try {
        expect(service.teams?.mode).toBe('unauthenticated');
      } finally {
        await service.stop();
      }
    }
  });
});
