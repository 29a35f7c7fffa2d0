/**
 * POST /slack/events on Callsheet's own express server: slash commands, interactivity, options
 * loads and the Events API all arrive here. The raw body is signature-checked before anything else
 * (401 and nothing done otherwise), then handed to Bolt with an `ack` that answers the HTTP request.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/logger.js';
import { verifySlackSignature } from './verify-signature.js';

/** What Bolt's `App.processEvent` takes. */
export interface SlackDelivery {
  body: Record<string, any>;
  ack: (response?: unknown) => Promise<void>;
  retryNum?: number;
  retryReason?: string;
}

export interface RouterDeps {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  dispatch: (delivery: SlackDelivery) => Promise<void>;
}

export const SLACK_EVENTS_PATH = '/slack/events';
const MAX_BODY = '512kb';

/** The body, or `sslCheck` for Slack's certificate probe, which must run nothing whatever else it carries. */
function parseBody(raw: string, contentType: string): { sslCheck: true } | { sslCheck: false; body: Record<string, any> } {
  if (contentType.includes('application/json')) {
    const body: unknown = JSON.parse(raw);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not a JSON object');
    return { sslCheck: false, body: body as Record<string, any> };
  }
  const params = new URLSearchParams(raw);
  // Checked on the outer form before anything else: a signed probe with a `payload` beside it once ran that payload.
  if (params.has('ssl_check')) return { sslCheck: true };
  const form = Object.fromEntries(params);
  // Interactivity and options loads carry JSON in a `payload` field; slash commands are plain fields.
  if (typeof form.payload !== 'string') return { sslCheck: false, body: form };
  const payload: unknown = JSON.parse(form.payload);
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('payload is not a JSON object');
  return { sslCheck: false, body: payload as Record<string, any> };
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createSlackRouter(deps: RouterDeps): Router {
  const router = express.Router();
  router.post(SLACK_EVENTS_PATH, express.raw({ type: () => true, limit: MAX_BODY }), async (req: Request, res: Response) => {
    const raw: unknown = req.body;
    if (!Buffer.isBuffer(raw)) {
      deps.logger.error('Slack route received an already-parsed body; mount the Slack router before any body parser');
      res.status(500).end();
      return;
    }
    const verdict = verifySlackSignature({
      secret: deps.signingSecret,
      body: raw,
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
      nowSeconds: Math.floor(deps.clock.now().getTime() / 1000),
    });
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, 'refused a Slack request');
      res.status(401).type('text/plain').send('invalid request signature');
      return;
    }
    let parsed: ReturnType<typeof parseBody>;
    try {
      parsed = parseBody(raw.toString('utf8'), header(req, 'content-type') ?? '');
    } catch {
      res.status(400).type('text/plain').send('unreadable body');
      return;
    }
    if (parsed.sslCheck || parsed.body.ssl_check) {
      res.status(200).end();
      return;
    }
    const { body } = parsed;
    if (body.type === 'url_verification') {
      res.status(200).json({ challenge: String(body.challenge ?? '') });
      return;
    }
    let acked = false;
    const ack = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      if (response === undefined || response === '') res.status(200).end();
      else if (typeof response === 'string') res.status(200).type('text/plain').send(response);
      else res.status(200).json(response);
    };
    const retry = header(req, 'x-slack-retry-num');
    try {
      await deps.dispatch({ body, ack, retryNum: retry ? Number(retry) : undefined, retryReason: header(req, 'x-slack-retry-reason') });
    } catch (error) {
      deps.logger.error({ err: error }, 'Slack delivery failed');
      if (!acked) {
        acked = true;
        res.status(500).end();
      }
      return;
    }
    // Nothing claimed it (e.g. a click on a link button): Slack only needs the 200.
    await ack();
  });
  return router;
}
