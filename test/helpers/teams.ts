/**
 * Helpers for Teams tests: the bot on a real HTTP port, activities as Teams sends them, a real catalog
 * search (`searchCatalog`), and a check that a card parses cleanly with `adaptivecards`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import express from 'express';
import { expect } from 'vitest';
import { catalogSearch, createTeamsAdapter, type TeamsAdapter, type TeamsAdapterDeps } from '../../adapters/teams/index.js';
import { relationsOf } from '../../src/catalog/relations.js';
import { refOf } from '../../src/catalog/refs.js';
import { applySnapshot, type CatalogRecord } from '../../src/catalog/store.js';
import { validateEntity } from '../../src/catalog/validate.js';
import { systemClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import type { Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { FakeBotConnector } from '../fakes/bot-connector.js';
import { markOrgSource } from './org-source.js';

const require = createRequire(import.meta.url);
// The package's `main` is an extension-less ES build Node cannot load; the UMD bundle works in Node.
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/** Fails the test unless the card parses with zero errors or warnings and validates cleanly. */
export function expectValidCard(card: unknown): void {
  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  parsed.parse(card, context);
  const events = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  const validation = parsed.validateProperties().validationEvents.map((e) => e.message);
  expect([...events, ...validation]).toEqual([]);
}

/** Every Adaptive Card in activities the bot sent (message attachments). */
export function cardsIn(activity: Record<string, unknown>): Array<Record<string, unknown>> {
  const attachments = (activity.attachments ?? []) as Array<{ contentType: string; content: Record<string, unknown> }>;
  return attachments.filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content);
}

export function cardText(card: unknown): string {
  return JSON.stringify(card);
}

export async function seedEntities(db: Db, raws: object[], sourceId = 'test'): Promise<void> {
  const records: CatalogRecord[] = [];
  for (const raw of raws) {
    const v = await validateEntity(raw);
    if (!v.ok) throw new Error(v.message);
    records.push({ ref: refOf(v.entity), entity: v.entity, relations: relationsOf(v.entity), filePath: 'catalog-info.yaml', contentHash: JSON.stringify(raw) });
  }
  await markOrgSource(db, sourceId);
  await applySnapshot(db, { sourceId, now: new Date(), records });
}

/** The real catalog search the compose box uses (`searchCatalog`, as `find` ranks it). */
export { catalogSearch };

export interface RunningBot {
  url: string;
  adapter: TeamsAdapter;
  lines: string[];
  post(activity: Record<string, unknown>, authorization?: string | null): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startBot(
  db: Db,
  connector: FakeBotConnector,
  overrides: Partial<TeamsAdapterDeps['config']> = {},
  deps: Partial<TeamsAdapterDeps> = {},
): Promise<RunningBot> {
  const lines: string[] = [];
  const adapter = createTeamsAdapter({
    config: {
      MICROSOFT_APP_ID: connector.appId,
      MICROSOFT_APP_PASSWORD: connector.appPassword,
      MICROSOFT_APP_TENANT_ID: undefined,
      MICROSOFT_APP_TYPE: 'MultiTenant',
      TEAMS_ALLOW_UNAUTHENTICATED: false,
      TEAMS_OPENID_METADATA_URL: connector.openIdMetadataUrl,
      TEAMS_TOKEN_ISSUER: connector.issuer,
      TEAMS_LOGIN_URL: connector.url,
      NODE_ENV: 'test',
      ...overrides,
    },
    db,
    logger: silentLogger(),
    clock: systemClock,
    staleAfterDays: 180,
    // The real grammar, observed so tests can see which line a click or pick ran.
    runLine: async (line, ctx) => {
      lines.push(line);
      return runLine(line, ctx);
    },
    search: catalogSearch(db),
    ...deps,
  });
  const app = express();
  app.use(adapter.router);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    adapter,
    lines,
    async post(activity, authorization) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization === undefined) headers.authorization = `Bearer ${await connector.sign({ serviceUrl: String(activity.serviceUrl) })}`;
      else if (authorization !== null) headers.authorization = authorization;
      const response = await fetch(`${url}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
    async close() {
      await adapter.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export const TENANT = 'tenant-0001';
export const BOT = { id: '28:callsheet-bot', name: 'Callsheet' };
export const ALICE = { id: '29:alice', name: 'Alice Doe', aadObjectId: 'aad-alice' };

let counter = 0;

/** A message as Teams posts it in a team channel, with the bot @mentioned. */
export function channelMessage(connector: FakeBotConnector, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id: `in-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: ALICE,
    recipient: BOT,
    conversation: { id: '19:general@thread.tacv2;messageid=1', conversationType: 'channel', isGroup: true, tenantId: TENANT },
    text: `${mention} ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: mention, mentioned: BOT }],
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2', name: 'Payments' }, channel: { id: '19:general@thread.tacv2', name: 'General' } },
    ...extra,
  };
}

/** A message in the personal (1:1) chat with the bot. */
export function personalMessage(connector: FakeBotConnector, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `in-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: ALICE,
    recipient: BOT,
    conversation: { id: 'a:personal-alice', conversationType: 'personal', tenantId: TENANT },
    text,
    textFormat: 'plain',
    channelData: { tenant: { id: TENANT } },
    ...extra,
  };
}

export function invoke(connector: FakeBotConnector, name: string, value: unknown): Record<string, unknown> {
  return {
    type: 'invoke',
    name,
    value,
    id: `in-${++counter}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: ALICE,
    recipient: BOT,
    conversation: { id: '19:general@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, source: { name: 'compose' } },
  };
}

/** A card's buttons: Action.Submit data, with the title. */
export function cardButtons(card: unknown): Array<{ title: string; data: Record<string, unknown> }> {
  const out: Array<{ title: string; data: Record<string, unknown> }> = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Submit') out.push({ title: String(n.title), data: n.data as Record<string, unknown> });
    Object.values(n).forEach(visit);
  };
  visit(card);
  return out;
}
