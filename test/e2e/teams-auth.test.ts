/**
 * The Teams bot's request authentication end to end over HTTP (split from teams.test.ts): signed Bot
 * Framework tokens checked against a local OpenID metadata document, the off and emulator modes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAdapter } from '../../adapters/teams/index.js';
import { ConfigError } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { ALICE, cardsIn, catalogSearch, channelMessage, expectValidCard, personalMessage, startBot, type RunningBot } from '../helpers/teams.js';

let database: TestDatabase;
let connector: FakeBotConnector;
let bot: RunningBot;

beforeAll(async () => {
  database = await createTestDatabase();
  connector = await startFakeBotConnector();
  bot = await startBot(database.db, connector);
  connector.addMember('a:personal-alice', { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, email: 'alice@example.com' });
});

afterAll(async () => {
  await bot?.close();
  await connector?.close();
  await database?.close();
});

let seen = 0;
afterEach(() => {
  // Every card the bot sent in the test must parse cleanly.
  for (const sent of connector.sent.slice(seen)) for (const card of cardsIn(sent.activity)) expectValidCard(card);
  seen = connector.sent.length;
});

function lastSent() {
  return connector.sent[connector.sent.length - 1];
}

describe('authentication', () => {
  it('rejects a request without a token, with a foreign signature, the wrong audience or an expired token, and does nothing', async () => {
    const before = connector.sent.length;
    const lines = bot.lines.length;
    const activity = channelMessage(connector, 'help');
    const serviceUrl = connector.serviceUrl;
    const cases = [
      null,
      `Bearer ${await connector.sign({ foreignKey: true, serviceUrl })}`,
      `Bearer ${await connector.sign({ audience: 'someone-else', serviceUrl })}`,
      `Bearer ${await connector.sign({ expiresIn: -3600, serviceUrl })}`,
      `Bearer ${await connector.sign({ issuer: 'https://evil.example', serviceUrl })}`,
      `Bearer ${await connector.sign({ serviceUrl: 'https://elsewhere.example/' })}`,
      'Basic dXNlcjpwYXNz',
    ];
    for (const authorization of cases) {
      const res = await bot.post(activity, authorization);
      expect(res.status, String(authorization)).toBe(401);
    }
    expect(connector.sent.length).toBe(before);
    expect(bot.lines.length).toBe(lines);
  });

  it('is off without an app id, with a clear message', async () => {
    const off = await startBot(database.db, connector, { MICROSOFT_APP_ID: undefined, MICROSOFT_APP_PASSWORD: undefined });
    try {
      expect(off.adapter.mode).toBe('off');
      const res = await off.post(channelMessage(connector, 'help'));
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toContain('MICROSOFT_APP_ID');
    } finally {
      await off.close();
    }
  });

  it('accepts unsigned requests only in the explicit emulator mode, and never in production', async () => {
    const open = await startBot(database.db, connector, { MICROSOFT_APP_ID: undefined, MICROSOFT_APP_PASSWORD: undefined, TEAMS_ALLOW_UNAUTHENTICATED: true, TEAMS_LOGIN_URL: undefined });
    try {
      expect(open.adapter.mode).toBe('unauthenticated');
      const res = await open.post(personalMessage(connector, 'help'), null);
      expect(res.status).toBe(200);
      expect(lastSent().authorization).toBeUndefined();
    } finally {
      await open.close();
    }
    expect(() =>
      createTeamsAdapter({
        config: { MICROSOFT_APP_TYPE: 'MultiTenant', TEAMS_ALLOW_UNAUTHENTICATED: true, NODE_ENV: 'production' },
        db: database.db,
        logger: silentLogger(),
        clock: systemClock,
        staleAfterDays: 180,
        runLine,
        search: catalogSearch(database.db),
      }),
    ).toThrow(ConfigError);
  });
});
