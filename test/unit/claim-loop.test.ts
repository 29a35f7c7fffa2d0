import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { drainClaims, sendToRoutes } from '../../src/nudges/claim-loop.js';
import type { DigestSender, Route } from '../../src/nudges/ports.js';

interface Row {
  id: number;
  attempts: number;
}

/** A ledger in memory: claim hands out what is neither done nor claimed, one row a batch. */
function ledger(ids: number[], failing: Set<number>, maxAttempts = 3) {
  const rows = new Map(ids.map((id) => [id, { id, attempts: 0, done: false, claimed: false }]));
  const delivered: number[] = [];
  const loop = {
    logger: silentLogger(),
    what: 'test notification',
    maxAttempts,
    claim: async () => {
      const next = [...rows.values()].find((r) => !r.done && !r.claimed);
      if (!next) return [];
      next.claimed = true;
      next.attempts++;
      return [{ id: next.id, attempts: next.attempts }];
    },
    deliver: async (row: Row) => {
      if (failing.has(row.id)) throw new Error(`route of ${row.id} is down`);
      delivered.push(row.id);
    },
    done: async (row: Row) => void (rows.get(row.id)!.done = true),
    release: async (row: Row) => void (rows.get(row.id)!.claimed = false),
    describe: (row: Row) => ({ id: row.id }),
  };
  return { rows, delivered, loop };
}

describe('drainClaims', () => {
  it('delivers every claimed row once and marks it done', async () => {
    const { rows, delivered, loop } = ledger([1, 2, 3], new Set());
    expect(await drainClaims(loop)).toEqual({ sent: 3, failed: 0 });
    expect(delivered).toEqual([1, 2, 3]);
    expect([...rows.values()].every((r) => r.done)).toBe(true);
  });

  it('releases a failed row and stops the pass, so the next pass retries it', async () => {
    const { rows, loop } = ledger([1, 2], new Set([1]));
    expect(await drainClaims(loop)).toEqual({ sent: 0, failed: 1 });
    expect(rows.get(1)).toMatchObject({ done: false, claimed: false, attempts: 1 });
    expect(rows.get(2)).toMatchObject({ done: false, attempts: 0 });
  });

  it('gives a row up (done, not delivered) after maxAttempts, so one bad route does not retry forever', async () => {
    const { rows, delivered, loop } = ledger([1, 2], new Set([1]), 3);
    for (let pass = 0; pass < 4; pass++) await drainClaims(loop);
    expect(rows.get(1)).toMatchObject({ done: true, attempts: 3 });
    expect(delivered).toEqual([2]);
  });
});

describe('sendToRoutes', () => {
  const routes: Route[] = [
    { platform: 'slack', kind: 'dm', target: 'U1', reason: 'r' },
    { platform: 'teams', kind: 'dm', target: 'T1', reason: 'r' },
  ];
  function sender(platform: 'slack' | 'teams', alreadySent: boolean, sent: string[]): DigestSender {
    return {
      platform,
      send: async (route: Route) => {
        sent.push(`${platform}:${route.target}`);
        return { messages: [] };
      },
      findSent: async () => (alreadySent ? [{ channel: 'c', ts: '1' }] : []),
    } as unknown as DigestSender;
  }

  it('sends to each route through its platform, skipping platforms without a sender', async () => {
    const sent: string[] = [];
    await sendToRoutes([sender('slack', false, sent)], routes, { summary: 's', sections: [] }, 1, { runId: 0, teamRef: 't', key: 'k' });
    expect(sent).toEqual(['slack:U1']);
  });

  it('on a retried claim asks the platform first and does not send twice', async () => {
    const sent: string[] = [];
    await sendToRoutes([sender('slack', true, sent), sender('teams', false, sent)], routes, { summary: 's', sections: [] }, 2, { runId: 0, teamRef: 't', key: 'k' });
    expect(sent).toEqual(['teams:T1']);
  });

  it('on a first attempt does not ask (no history read per message)', async () => {
    const sent: string[] = [];
    await sendToRoutes([sender('slack', true, sent)], routes, { summary: 's', sections: [] }, 1, { runId: 0, teamRef: 't', key: 'k' });
    expect(sent).toEqual(['slack:U1']);
  });
});
