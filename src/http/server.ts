/**
 * The HTTP face: health and readiness, the Backstage-compatible catalog API, and whatever other
 * areas mount (Slack, Bot Framework, GitHub webhooks, metrics). Only the catalog routes parse JSON
 * bodies; mounted routers get the raw request, as signature checks need the exact bytes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { apiTokenName, requireApiToken, type ApiAuthOptions } from './api-auth.js';
import { createAuditBatcher } from './api-audit.js';
import { createCatalogApi, type CatalogApiOptions } from './catalog-api.js';
import { catalogFastPath, type FastPath } from './catalog-fast-path.js';
import { createRequestRecorder, requestIdOf } from './request-record.js';
import type { ReadinessState } from './readiness.js';
import { HttpError, errorBody } from './errors.js';

export interface HttpAppOptions {
  db: Db;
  logger: Logger;
  /** False (503 on /readyz) until the first sync finished, and while the service cannot serve (see readiness.ts). */
  isReady: () => boolean | Promise<boolean | ReadinessState>;
  mounts?: Array<{ path: string; router: express.Router }>;
  /** Who may call /api/catalog; without it no one may (private by default). */
  apiAuth?: ApiAuthOptions;
  /** The catalog API's change feed, cache bound and refresh (see catalog-api.ts). */
  catalog?: Omit<CatalogApiOptions, 'db' | 'logger' | 'tokens'>;
}

const FAST_PATH = Symbol('callsheet.fastPath');

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { db, logger } = options;
  const app = express();
  const audit = createAuditBatcher(db, logger);
  const record = createRequestRecorder(logger, audit);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.locals.started = started;
    res.on('finish', () => {
      // The matched route pattern keeps the label set bounded; anything unmatched shares one label.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const path = req.originalUrl.split('?')[0];
      record({ requestId, method: req.method, path, route, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, token: apiTokenName(res) });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Liveness stays trivial (a restart cures nothing a database outage causes); readiness asks.
  app.get('/readyz', async (_req, res) => {
    const answer = await Promise.resolve()
      .then(() => options.isReady())
      .catch((error: unknown) => ({ ready: false, reason: error instanceof Error ? error.message : String(error) }));
    const state: ReadinessState = typeof answer === 'boolean' ? { ready: answer } : answer;
    if (state.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', ...(state.reason ? { reason: state.reason } : {}) });
  });

  const apiAuth = { logger, ...(options.apiAuth ?? { tokens: [] }) };
  const catalogApi = createCatalogApi({ db, logger, tokens: apiAuth.tokens, ...options.catalog });
  app.use('/api/catalog', requireApiToken(apiAuth), catalogApi.router);
  // startHttpServer tries the fast path first (catalog-fast-path.ts); Express answers the rest.
  Object.defineProperty(app, FAST_PATH, { value: catalogFastPath(catalogApi.ctx, apiAuth, record) });
  for (const mount of options.mounts ?? []) app.use(mount.path, mount.router);

  app.use((req, res) => {
    res.status(404).json(errorBody(req, 404, 'NotFoundError', `No route for ${req.method} ${req.path}`, res.locals.requestId as string));
  });

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const requestId = res.locals.requestId as string;
    if (error instanceof HttpError) {
      res.status(error.status).json(errorBody(req, error.status, error.errorName, error.message, requestId));
      return;
    }
    // body-parser errors carry a status and an `expose` flag for messages safe to show.
    const e = error as { status?: number; statusCode?: number; expose?: boolean; message?: string; type?: string };
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500) {
      const message = e.type === 'entity.too.large' ? 'Request body is too large' : e.expose && e.message ? e.message : 'Bad request';
      res.status(status).json(errorBody(req, status, status === 413 ? 'PayloadTooLargeError' : 'InputError', message, requestId));
      return;
    }
    logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed');
    res.status(500).json(errorBody(req, 500, 'Error', `Internal error (request ${requestId})`, requestId));
  });

  return app;
}

/** The fast path createHttpApp attached to `app`, if any (startHttpServer tries it before Express). */
export const fastPathOf = (app: express.Express): FastPath | undefined => (app as unknown as { [FAST_PATH]?: FastPath })[FAST_PATH];

export interface RunningServer {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  /** Stops accepting, lets in-flight requests finish, then closes idle keep-alive connections. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export const KEEP_ALIVE_MS = 65_000;

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Longest time to receive a whole request, headers and body (HTTP_REQUEST_TIMEOUT). */
  requestTimeoutMs?: number;
  /** Longest time to receive the headers (HTTP_HEADERS_TIMEOUT). */
  headersTimeoutMs?: number;
  /** Connections beyond this are dropped at once (HTTP_MAX_CONNECTIONS). */
  maxConnections?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

export async function startHttpServer(app: express.Express, options: HttpServerOptions): Promise<RunningServer> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  // A client that trickles its request (a byte every few seconds) holds a connection and a parser
  // for as long as it likes unless the whole request has a deadline; Node checks the deadlines
  // every connectionsCheckingInterval (30 s by default, longer than the deadline itself), so check
  // often enough that the deadline means what it says.
  const fast = fastPathOf(app);
  const handler = fast ? (req: IncomingMessage, res: ServerResponse) => fast(req, res) || app(req, res) : app;
  const server = createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(250, Math.min(1000, Math.floor(headersTimeout / 4))) }, handler);
  if (options.maxConnections) server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Idle keep-alive connections are kept longer than the load balancers in front usually keep
  // theirs (AWS ALB: 60 s), so a balancer never sends a request on a connection we are closing (a
  // 502), and a burst reuses connections: libuv accepts one new connection per event-loop turn, so a
  // busy loop meets a hundred new ones slowly.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close(closeOptions = {}) {
      closing ??= new Promise<void>((resolve) => {
        // A connection whose request finishes during shutdown turns idle, and would otherwise be
        // held open for the whole keep-alive time.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
        // In-flight requests get a grace period; after it, remaining connections are cut.
        const timer = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        }, closeOptions.timeoutMs ?? 10_000);
        timer.unref();
      });
      return closing;
    },
  };
}
