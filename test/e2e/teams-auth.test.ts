/**
 * The Teams bot's request authentication end to end over HTTP (split from teams.test.ts): signed Bot
 * Framework tokens checked against a local OpenID metadata document, the off and emulator modes.
 */
import { describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../../adapters/teams/index.js';
import { ConfigError } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { ALICE, catalogSearch, channelMessage, personalMessage, startBot } from '../helpers/teams.js';
import { useTeamsBed } from '../helpers/teams-bed.js';

const bed = useTeamsBed({
  setup: async ({ connector }) => connector.addMember('a:personal-alice', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' }),
});

describe('authentication', () => {
  it('rejects a request without a token, with a foreign signature, the wrong audience or an expired token, and does nothing', async () => {
    const before = bed.connector.sent.length;
    const lines = bed.bot.lines.length;
    const activity = channelMessage(bed.connector, 'help');
    const serviceUrl = bed.connector.serviceUrl;
    const cases = [
      null,
      `Bearer ${await bed.connector.sign({ foreignKey: true, serviceUrl })}`,
      `Bearer ${await bed.connector.sign({ audience: 'someone-else', serviceUrl })}`,
      `Bearer ${await bed.connector.sign({ expiresIn: -3600, serviceUrl })}`,
      `Bearer ${await bed.connector.sign({ issuer: 'https://evil.example', serviceUrl })}`,
      `Bearer ${await bed.connector.sign({ serviceUrl: 'https://elsewhere.example/' })}`,
      'Basic dXNlcjpwYXNz',
    ];
    for (const authorization of cases) {
      const res = await bed.bot.post(activity, authorization);
      expect(res.status, String(authorization)).toBe(401);
    }
    expect(bed.connector.sent.length).toBe(before);
    expect(bed.bot.lines.length).toBe(lines);
  });

  it('is off without an app id, with a clear message', async () => {
    const off = await startBot(bed.database.db, bed.connector, { MICROSOFT_APP_ID: undefined, MICROSOFT_APP_PASSWORD: undefined });
    try {
      expect(off.adapter.mode).toBe('off');
      const res = await off.post(channelMessage(bed.connector, 'help'));
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toContain('MICROSOFT_APP_ID');
    } finally {
      await off.close();
    }
  });

  it('accepts unsigned requests only in the explicit emulator mode, and never in production', async () => {
    const open = await startBot(bed.database.db, bed.connector, { MICROSOFT_APP_ID: undefined, MICROSOFT_APP_PASSWORD: undefined, TEAMS_ALLOW_UNAUTHENTICATED: true, TEAMS_LOGIN_URL: undefined });
    try {
      expect(open.adapter.mode).toBe('unauthenticated');
      const res = await open.post(personalMessage(bed.connector, 'help'), null);
      expect(res.status).toBe(200);
      expect(bed.lastSent().authorization).toBeUndefined();
    } finally {
      await open.close();
    }
    expect(() =>
      createTeamsAdapter({
        config: { MICROSOFT_APP_TYPE: 'MultiTenant', TEAMS_ALLOW_UNAUTHENTICATED: true, NODE_ENV: 'production' },
        db: bed.database.db,
        logger: silentLogger(),
        clock: systemClock,
        staleAfterDays: 180,
        runLine,
        search: catalogSearch(bed.database.db),
      }),
    ).toThrow(ConfigError);
  });
});
