import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createPacer } from '../../src/nudges/pacer.js';
import { RateLimitedError } from '../../src/nudges/ports.js';

describe('nudge recovery settings', () => {
  it('default to takeover in seconds and bounded retries, and report bad values by name', () => {
    expect(loadConfig({})).toMatchObject({ NUDGE_HEARTBEAT: 2_000, NUDGE_CLAIM_TIMEOUT: 8_000, NUDGE_RESUME_POLL: 2_000, NUDGE_RETRY_ATTEMPTS: 6, NUDGE_RETRY_BACKOFF: 5_000 });
    expect(loadConfig({ NUDGE_HEARTBEAT: '1s', NUDGE_CLAIM_TIMEOUT: '5s', NUDGE_RETRY_ATTEMPTS: '3' })).toMatchObject({ NUDGE_HEARTBEAT: 1_000, NUDGE_CLAIM_TIMEOUT: 5_000, NUDGE_RETRY_ATTEMPTS: 3 });
    expect(() => loadConfig({ NUDGE_RESUME_POLL: 'soon', NUDGE_RETRY_ATTEMPTS: '0' })).toThrow(/NUDGE_RESUME_POLL: expected a duration[\s\S]*NUDGE_RETRY_ATTEMPTS: expected at least 1/);
    expect(() => loadConfig({ NUDGE_HEARTBEAT: '5s', NUDGE_CLAIM_TIMEOUT: '6s' })).toThrow(/NUDGE_CLAIM_TIMEOUT: must be at least twice NUDGE_HEARTBEAT/);
  });
});

describe('pacer with a channel wait limit', () => {
  it('gives a long channel 429 back at once, and the sends queued behind it for other channels go out without waiting', async () => {
    let t = 0;
    const pacer = createPacer({ perTargetIntervalMs: 0, platformPerMinute: 6_000, maxChannelWaitMs: 1_000, now: () => t, sleep: async (ms) => void (t += ms) });
    const at: Array<[string, number]> = [];
    const limited = pacer.send('slack', 'A', async () => Promise.reject(new RateLimitedError(30_000)));
    const others = ['B', 'C'].map((target) => pacer.send('slack', target, async () => void at.push([target, t])));
    await expect(limited).rejects.toMatchObject({ retryAfterMs: 30_000 });
    await Promise.all(others);
    expect(at.every(([, time]) => time < 1_000)).toBe(true);
    // Until its Retry-After passes, channel A is given back at once with the time left.
    await expect(pacer.send('slack', 'A', async () => 'sent')).rejects.toBeInstanceOf(RateLimitedError);
    t += 30_000;
    await expect(pacer.send('slack', 'A', async () => 'sent')).resolves.toBe('sent');
  });
});
