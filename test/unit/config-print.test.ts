import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, DURATION_KEYS, maskUrlPassword } from '../../src/config/index.js';
import { configCli } from '../../src/cli/config.js';
import { formatDuration } from '../../src/config/duration.js';

async function printed(env: Record<string, string>): Promise<Map<string, string>> {
  const out: string[] = [];
  const code = await configCli([], { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env });
  expect(code, out.join('\n')).toBe(0);
  return new Map(out.map((line) => { const [key, ...rest] = line.split(/\s+/); return [key!, rest.join(' ')]; }));
}

describe('callsheet config', () => {
  it('prints durations as written, and defaults in the same form', async () => {
    const lines = await printed({ SYNC_INTERVAL: '90s' });
    expect(lines.get('SYNC_INTERVAL')).toBe('90s');
    expect(lines.get('SYNC_LEASE_TTL')).toBe('12s');
    expect(DURATION_KEYS.has('SYNC_INTERVAL')).toBe(true);
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(1500)).toBe('1500ms');
  });

  it('masks only the password of DATABASE_URL', async () => {
    const lines = await printed({ DATABASE_URL: 'postgres://app:s3cr%40t@db.internal:5432/callsheet' });
    expect(lines.get('DATABASE_URL')).toBe('postgres://app:********@db.internal:5432/callsheet');
    expect(maskUrlPassword('postgres://db/x?user=a&password=p')).toBe('postgres://db/x?user=a&password=********');
    expect(maskUrlPassword('postgres://postgres@127.0.0.1/test')).toBe('postgres://postgres@127.0.0.1/test');
  });

  it('lists every variable the configuration reads, set or not', async () => {
    const lines = await printed({});
    for (const key of CONFIG_KEYS) expect(lines.has(key), key).toBe(true);
    expect(lines.get('INSTANCE_ID')).toBeTruthy();
    expect(CONFIG_KEYS).toEqual(expect.arrayContaining(['SCAFFOLDER_POLL_INTERVAL', 'PGLITE_TEMPLATE_DIR', 'PAGE_ALLOWED_GROUPS', 'API_CACHE_MB']));
  });

  it('the README names every variable the configuration reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = CONFIG_KEYS.filter((key) => !new RegExp(`\\b${key}\\b`).test(readme));
    expect(missing).toEqual([]);
  });
});
