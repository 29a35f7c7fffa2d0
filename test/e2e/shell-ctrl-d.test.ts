/**
 * Ctrl-D as a person presses it, on a real terminal (a pseudo-terminal driven by
 * test/helpers/pty-driver.py) running `callsheet serve` with the embedded database: inside the
 * create wizard it cancels the wizard only and the shell keeps answering; at the prompt it ends the
 * shell and the process exits by itself (it used to stop the service under the prompt and idle).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const driver = fileURLToPath(new URL('../helpers/pty-driver.py', import.meta.url));

type Step = { wait: string; timeout?: number; fresh?: boolean } | { send: string } | { exit: number };

function onTerminal(steps: Step[], env: Record<string, string>): Promise<{ done: number; failed: string | null; status: number | null; transcript: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|TEST_DATABASE_URL|SLACK_|MICROSOFT_|CATALOG_SOURCES|TEMPLATE_SOURCES)/.test(k)));
    execFile('python3', [driver, JSON.stringify(steps), process.execPath, 'bin/callsheet.js', 'serve'], { cwd: root, env: { ...clean, ...env }, timeout: 170_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => {
      if (error && !stdout) return reject(error);
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
}

describe('Ctrl-D in the local shell', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-ctrl-d-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('cancels only the create wizard; Ctrl-D at the prompt then ends the process', async () => {
    const result = await onTerminal(
      [
        { wait: 'callsheet> ', timeout: 90 },
        { wait: 'ready:', timeout: 90 },
        { send: 'create typescript-service\r' },
        { wait: 'answer each question', timeout: 60 },
        { wait: 'Name: ', timeout: 30 },
        { send: '\u0004' },
        { wait: 'Create cancelled: Ctrl-D', timeout: 30 },
        { wait: 'callsheet> ', fresh: true, timeout: 30 },
        { send: 'owner payments-api\r' },
        { wait: 'Payments API (Component)', timeout: 60 },
        { wait: 'callsheet> ', fresh: true, timeout: 30 },
        { send: '\u0004' },
        { exit: 30 },
      ],
      { DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    );
    expect(result.failed, result.transcript.slice(-2000)).toBeNull();
    expect(result.status).toBe(0);
  }, 180_000);

  it('Ctrl-D during start-up (first sync still running) stops every loop and the process', async () => {
    const early = await mkdtemp(join(tmpdir(), 'callsheet-ctrl-d-early-'));
    try {
      const result = await onTerminal([{ wait: 'callsheet> ', timeout: 90 }, { send: '\u0004' }, { exit: 30 }], { DATA_DIR: early, LOG_LEVEL: 'info' });
      expect(result.failed, result.transcript.slice(-2000)).toBeNull();
      expect(result.status).toBe(0);
      const log = await readFile(join(early, 'callsheet.log'), 'utf8');
      expect(log).toContain('"msg":"stopped"');
      // Nothing kept running against the closed database after the stop.
      expect(log.slice(log.indexOf('"msg":"stopped"'))).not.toMatch(/closed|error/i);
    } finally {
      await rm(early, { recursive: true, force: true });
    }
  }, 120_000);
});
