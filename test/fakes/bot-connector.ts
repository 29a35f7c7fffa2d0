/**
 * A local stand-in for the Bot Framework: the connector service (the `serviceUrl` of test activities),
 * the login endpoint that issues the bot's own tokens, and the OpenID metadata + JWKS whose key signs
 * the tokens the "channel" sends to the bot. It records what the bot sends, in the connector's wire format.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

export interface Recorded {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** Set for replies (POST .../activities/:id) and updates (PUT). */
  activityId?: string;
  activity: Record<string, unknown>;
  authorization?: string;
}

export interface Member {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
}

export interface TokenOptions {
  audience?: string;
  serviceUrl?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the metadata does not publish (under the published key id). */
  foreignKey?: boolean;
}

export interface FakeBotConnector {
  /** Base URL, no trailing slash. */
  url: string;
  /** The serviceUrl to put on activities (with the trailing slash Teams uses). */
  serviceUrl: string;
  openIdMetadataUrl: string;
  issuer: string;
  appId: string;
  appPassword: string;
  sent: Recorded[];
  tokenRequests: Array<Record<string, string>>;
  memberLookups: Array<{ conversationId: string; userId: string }>;
  /** Bodies of `POST /v3/conversations` (the bot opening a 1:1 chat). */
  createdConversations: Array<Record<string, unknown>>;
  /** Inbound activity posts answered with an error first (429 with Retry-After, 5xx). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  attempts: number;
  addMember(conversationId: string, member: Member): void;
  sign(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

const KEY_ID = 'fake-key-1';

export async function startFakeBotConnector(options: { appId?: string; appPassword?: string } = {}): Promise<FakeBotConnector> {
  const appId = options.appId ?? '00000000-0000-0000-0000-00000000a11d';
  const appPassword = options.appPassword ?? 'fake-app-secret';
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const jwk = await exportJWK(publicKey);

  const sent: Recorded[] = [];
  const tokenRequests: Array<Record<string, string>> = [];
  const memberLookups: Array<{ conversationId: string; userId: string }> = [];
  const createdConversations: Array<Record<string, unknown>> = [];
  const members = new Map<string, Map<string, Member>>();
  const failures: Array<{ status: number; retryAfter?: number }> = [];
  let nextId = 1;
  let issued = 0;

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false }));

  app.get('/openid', (_req, res) => {
    res.json({ issuer: fake.issuer, jwks_uri: `${fake.url}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [{ ...jwk, kid: KEY_ID, use: 'sig', alg: 'RS256', endorsements: ['msteams', 'emulator'] }] });
  });
  app.post('/:tenant/oauth2/v2.0/token', (req, res) => {
    const body = req.body as Record<string, string>;
    tokenRequests.push({ tenant: String(req.params.tenant), ...body });
    if (body.grant_type !== 'client_credentials' || body.client_id !== appId || body.client_secret !== appPassword) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    issued += 1;
    res.json({ token_type: 'Bearer', expires_in: 3600, access_token: `fake-bot-token-${issued}` });
  });

  const record = (method: 'POST' | 'PUT') => (req: express.Request, res: express.Response) => {
    fake.attempts += 1;
    const failure = failures.shift();
    if (failure) {
      if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter));
      res.status(failure.status).json({ error: { code: 'Throttled', message: 'try later' } });
      return;
    }
    const activityId = req.params.activityId as string | undefined;
    sent.push({ method, conversationId: String(req.params.conversationId), activityId, activity: req.body as Record<string, unknown>, authorization: req.headers.authorization });
    res.status(method === 'PUT' ? 200 : 201).json({ id: method === 'PUT' ? activityId : `activity-${nextId++}` });
  };
  app.post('/v3/conversations', (req, res) => {
    const body = req.body as { members?: Array<{ id?: string }>; tenantId?: string };
    const memberId = body.members?.[0]?.id;
    if (!memberId || !body.tenantId) {
      res.status(400).json({ error: { code: 'BadArgument', message: 'members and tenantId are required' } });
      return;
    }
    createdConversations.push(req.body as Record<string, unknown>);
    res.status(201).json({ id: `a:personal-${memberId.replace(/^29:/, '')}` });
  });
  app.post('/v3/conversations/:conversationId/activities', record('POST'));
  app.post('/v3/conversations/:conversationId/activities/:activityId', record('POST'));
  app.put('/v3/conversations/:conversationId/activities/:activityId', record('PUT'));

  app.get('/v3/conversations/:conversationId/members/:userId', (req, res) => {
    const conversationId = String(req.params.conversationId);
    const userId = String(req.params.userId);
    memberLookups.push({ conversationId, userId });
    const member = members.get(conversationId)?.get(userId);
    if (!member) {
      res.status(404).json({ error: { code: 'MemberNotFoundInConversation', message: 'The member was not found' } });
      return;
    }
    res.json(member);
  });
  app.get('/v3/conversations/:conversationId/pagedmembers', (req, res) => {
    res.json({ members: [...(members.get(String(req.params.conversationId))?.values() ?? [])] });
  });
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${req.path} is not part of the fake connector` } });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeBotConnector = {
    url,
    serviceUrl: `${url}/`,
    openIdMetadataUrl: `${url}/openid`,
    issuer: `${url}/issuer`,
    appId,
    appPassword,
    sent,
    tokenRequests,
    memberLookups,
    createdConversations,
    attempts: 0,
    failNext(count, status, retryAfterSeconds) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    addMember(conversationId, member) {
      if (!members.has(conversationId)) members.set(conversationId, new Map());
      members.get(conversationId)!.set(member.id, member);
    },
    async sign(opts = {}) {
      const key: KeyLike = opts.foreignKey ? foreign.privateKey : privateKey;
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = opts.expiresIn ?? 3600;
      return new SignJWT({ serviceurl: opts.serviceUrl ?? fake.serviceUrl })
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
        .setIssuer(opts.issuer ?? fake.issuer)
        .setAudience(opts.audience ?? appId)
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + expiresIn)
        .sign(key);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return fake;
}
