/**
 * With every Bot Framework endpoint overridden (a private cloud, or tests), an activity with
 * `channelId: AseChannel` made botbuilder fetch the Emulator's OpenID metadata from Microsoft's
 * login host anyway (issue 13): AseChannelValidation ignores the overrides. Callsheet now refuses
 * such activities before botbuilder sees them. The real service serves Teams against the fake
 * connector; every host name the process looks up is recorded, and none may be Microsoft's.
 */
import dns from 'node:dns';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.js';
import { channelMessage } from '../helpers/teams.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';

const lookedUp: string[] = [];
/** One of the issuers botbuilder's AseChannelValidation accepts (the public Bot Framework tenant). */
const ASE_ISSUER = 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0';
const realLookup = dns.lookup;
let connector: FakeBotConnector;
let service: RunningService;
let database: TestDatabase | undefined;
let dataDir: string;

beforeAll(async () => {
  // Node's own resolver, observed (not replaced): every outbound connection by name passes here.
  (dns as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    lookedUp.push(hostname);
    return (realLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  connector = await startFakeBotConnector();
  dataDir = await mkdtemp(join(tmpdir(), 'callsheet-ase-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NUDGE_ENABLED: 'false', NODE_ENV: 'test',
    CATALOG_SOURCES: '', TEMPLATE_SOURCES: '',
    MICROSOFT_APP_ID: connector.appId, MICROSOFT_APP_PASSWORD: connector.appPassword,
    TEAMS_OPENID_METADATA_URL: connector.openIdMetadataUrl, TEAMS_TOKEN_ISSUER: connector.issuer, TEAMS_LOGIN_URL: connector.url,
  };
  if (testDatabaseUrl()) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
  }
  service = await startService(loadConfig(env), { shell: false, logger: silentLogger() });
  await service.firstSync;
});
afterAll(async () => {
  (dns as { lookup: unknown }).lookup = realLookup;
  await service?.stop();
  await connector?.close();
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const microsoft = (host: string) => /(^|\.)(microsoftonline\.(com|us)|botframework\.(com|us|azure\.us)|windows\.net|microsoft\.com)$/i.test(host);

describe('AseChannel activities', () => {
  it('are refused without any request to a Microsoft host, however they are signed', async () => {
    const post = async (token: string | undefined, body: Record<string, unknown>) =>
      fetch(`http://localhost:${service.port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    for (const channelId of ['AseChannel', 'asechannel']) {
      const signed = await post(await connector.sign(), channelMessage(connector, 'owner payments-api', { channelId }));
      expect(signed.status).toBe(401);
      // Issued as ASE tokens are: this is the token that sent botbuilder to Microsoft for keys.
      const aseIssued = await post(await connector.sign({ issuer: ASE_ISSUER, audience: connector.appId }), channelMessage(connector, 'help', { channelId }));
      expect(aseIssued.status).toBe(401);
      const unsigned = await post(undefined, channelMessage(connector, 'help', { channelId }));
      expect(unsigned.status).toBe(401);
    }
    // Given time for any key fetch the refusal might have started.
    await new Promise((r) => setTimeout(r, 200));
    expect(lookedUp.filter(microsoft)).toEqual([]);
    expect(connector.sent).toEqual([]);
    // The lookups were observed at all: the test's own request to "localhost" went through the resolver.
    expect(lookedUp).toContain('localhost');
  });

  it('Teams activities on the same service still work against the overridden endpoints', async () => {
    const res = await fetch(`http://127.0.0.1:${service.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await connector.sign()}` },
      body: JSON.stringify(channelMessage(connector, 'help')),
    });
    expect(res.status).toBe(200);
    expect(lookedUp.filter(microsoft)).toEqual([]);
  });
});
