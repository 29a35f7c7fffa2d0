/**
 * What every HTTP request leaves behind, on the Express path and the catalog fast path alike: its
 * duration in the request histogram (by route pattern, so the label set stays bounded), a log line
 * (info, with the token's name, when an API token was used, so who read the catalog is on record),
 * and for token calls an audit row, batched (api-audit.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import type { AuditBatcher } from './api-audit.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-request-id when it is a sane one, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export interface RequestRecord {
  requestId: string;
  method: string;
  /** The path without its query string: query strings may carry search text and tokens. */
  path: string;
  /** The matched route pattern, or 'unmatched'. */
  route: string;
  status: number;
  ms: number;
  token?: string;
}

const histograms = new Map<string, ReturnType<typeof metrics.httpRequests.labels>>();
/** prom-client resolves labels to a series on every observe(); resolving once per (route, status) is cheaper. */
function seriesOf(route: string, status: number) {
  const key = `${status} ${route}`;
  let series = histograms.get(key);
  if (!series) histograms.set(key, (series = metrics.httpRequests.labels({ route, status: String(status) })));
  return series;
}

export function createRequestRecorder(logger: Logger, audit: AuditBatcher) {
  return (r: RequestRecord) => {
    seriesOf(r.route, r.status).observe(r.ms / 1000);
    const line = { requestId: r.requestId, method: r.method, path: r.path, status: r.status, ms: Math.round(r.ms * 10) / 10, ...(r.token ? { token: r.token } : {}) };
    if (!r.token) {
      logger.debug(line, 'http request');
      return;
    }
    logger.info(line, 'api request');
    // Every call made with a token is an audit row under the token's name (the path only, as above).
    audit.add({
      at: new Date(),
      platform: 'api',
      actor: r.token,
      action: 'api',
      target: r.path,
      text: `${r.method} ${r.path}`,
      outcome: r.status < 400 ? 'ok' : r.status === 401 || r.status === 403 ? 'refused' : 'error',
      details: { status: r.status, requestId: r.requestId },
    });
  };
}

export type RequestRecorder = ReturnType<typeof createRequestRecorder>;

/** `Server-Timing` for an answer whose handling started at `started` (process.hrtime.bigint()). */
export const serverTiming = (started: bigint) => `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(3)}`;
