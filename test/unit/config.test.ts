import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskedConfig } from '../../src/config/index.js';
import { configCli } from '../../src/cli/config.js';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env }, out, err };
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.CATALOG_SOURCES).toEqual(['./catalog']);
    expect(config.SYNC_INTERVAL).toBe(300_000);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reports every problem at once, naming the variable and what is expected', () => {
    try {
      loadConfig({ PORT: 'eighty', SYNC_INTERVAL: 'soon', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT: expected a port number/);
      expect(problems).toMatch(/SYNC_INTERVAL: expected a duration/);
      expect(problems).toMatch(/DATABASE_URL: expected a postgres/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('sync leases: 12 s lifetime and a 4 s heartbeat by default; a heartbeat slower than half the lifetime is refused', () => {
    const config = loadConfig({});
    expect([config.SYNC_LEASE_TTL, config.SYNC_LEASE_HEARTBEAT]).toEqual([12_000, 4_000]);
    expect(loadConfig({ SYNC_LEASE_TTL: '30s', SYNC_LEASE_HEARTBEAT: '10s' }).SYNC_LEASE_TTL).toBe(30_000);
    expect(() => loadConfig({ SYNC_LEASE_TTL: '10s', SYNC_LEASE_HEARTBEAT: '8s' })).toThrow(/SYNC_LEASE_HEARTBEAT: must be at most half of SYNC_LEASE_TTL/);
    expect(() => loadConfig({ SYNC_LEASE_TTL: 'soon' })).toThrow(/SYNC_LEASE_TTL: expected a duration/);
  });

  it('masks secrets when printing', async () => {
    expect(maskedConfig({ SLACK_BOT_TOKEN: 'xoxb-1', PORT: 1 })).toEqual({ SLACK_BOT_TOKEN: '********', PORT: 1 });
    const { io, out } = capture({ DATABASE_URL: 'postgres://u:hunter2@db/x' });
    expect(await configCli([], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/DATABASE_URL\s+postgres:\/\/u:\*{8}@db\/x/);
    expect(text).not.toContain('hunter2');
  });

  it('exits 1 with the problems when the configuration is invalid', async () => {
    const { io, err } = capture({ PORT: '-1' });
    expect(await configCli([], io)).toBe(1);
    expect(err.join('\n')).toMatch(/PORT/);
  });
});

describe('cross-field configuration rules', () => {
  it('refuses unauthenticated Teams in production at start-up', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toThrow(/TEAMS_ALLOW_UNAUTHENTICATED/);
  });
});

describe('Slack configuration at start-up', () => {
  it('reports half a Slack configuration with the missing variable', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: Slack is half configured/);
  });
});
