/**
 * The set-up the Teams end-to-end suites share: a test database, the fake Bot Connector, the bot
 * served over HTTP, and a check after each test that every card the bot sent parses cleanly.
 * Call at the top of a suite (or a describe); the fields are filled before the first test runs.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { TeamsAdapterDeps } from '../../adapters/teams/index.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { BOT, TENANT, cardsIn, expectValidCard, startBot, type RunningBot } from './teams.js';

export interface TeamsBed {
  database: TestDatabase;
  connector: FakeBotConnector;
  bot: RunningBot;
  /** The last activity the bot sent to the connector. */
  lastSent(): FakeBotConnector['sent'][number];
  /** Adds the bot to a team, as Teams does on install: its conversation reference is stored. */
  installInTeam(team: string, name?: string): Promise<void>;
}

export function useTeamsBed(options: {
  /** Runs after the bot is up, before the first test (seed entities, add members). */
  setup?: (bed: TeamsBed) => Promise<void>;
  config?: Partial<TeamsAdapterDeps['config']>;
  deps?: Partial<TeamsAdapterDeps>;
} = {}): TeamsBed {
  const bed = {
    lastSent: () => bed.connector.sent[bed.connector.sent.length - 1]!,
    async installInTeam(team: string, name = 'Engineering') {
      const res = await bed.bot.post({
        type: 'conversationUpdate',
        id: 'install-1',
        channelId: 'msteams',
        serviceUrl: bed.connector.serviceUrl,
        from: { id: '29:admin', name: 'Admin' },
        recipient: BOT,
        conversation: { id: team, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        membersAdded: [{ id: BOT.id }],
        channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: team, name } },
      });
      expect(res.status).toBe(200);
    },
  } as TeamsBed;

  beforeAll(async () => {
    bed.database = await createTestDatabase();
    bed.connector = await startFakeBotConnector();
    bed.bot = await startBot(bed.database.db, bed.connector, options.config, options.deps);
    await options.setup?.(bed);
  });

  afterAll(async () => {
    await bed.bot?.close();
    await bed.connector?.close();
    await bed.database?.close();
  });

  let seen = 0;
  afterEach(() => {
    if (!bed.connector) return;
    for (const sent of bed.connector.sent.slice(seen)) for (const card of cardsIn(sent.activity)) expectValidCard(card);
    seen = bed.connector.sent.length;
  });

  return bed;
}
