/**
 * Bearer tokens for the catalog API, as Backstage's static external-access tokens: each token has
 * a name that logs and the audit log show, and a secret only the caller and the environment know.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ApiToken, TokenScope } from '../config/security.js';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';

export interface ApiAuthOptions {
  /** Accepted tokens; none means every request is refused (unless `open`). */
  tokens: ApiToken[];
  /** API_AUTH=off: the operator chose to open the API to anyone who can reach it. */
  open?: boolean;
  logger?: Logger;
  /** API_TOKEN_SCOPES: extra scopes per token name; a token not listed has `read` only. */
  scopes?: Record<string, TokenScope[]>;
  /** API_TOKEN_USERS: the catalog User (name, email or ref) a token acts as. */
  users?: Record<string, string>;
}

/** What a token named `name` may do, and who it acts as. API_AUTH=off (no token) is read-only, nobody in particular. */
export function tokenGrant(options: Pick<ApiAuthOptions, 'scopes' | 'users'>, name: string | undefined): { scopes: TokenScope[]; user?: string } {
  if (!name) return { scopes: ['read'] };
  const user = options.users?.[name];
  return { scopes: options.scopes?.[name] ?? ['read'], ...(user ? { user } : {}) };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
/** Each configured secret is hashed once, not on every request. */
const secretDigests = new WeakMap<ApiToken, Buffer>();
const secretDigest = (token: ApiToken) => {
  let d = secretDigests.get(token);
  if (!d) secretDigests.set(token, (d = digest(token.secret)));
  return d;
};

/**
 * The name of the token whose secret is `presented`, comparing in constant time: every token is
 * compared (no early exit) and over fixed-length digests, so timing tells neither which token nor
 * how much of one matched.
 */
export function matchToken(tokens: ApiToken[], presented: string): string | undefined {
  const given = digest(presented);
  let found: string | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(secretDigest(token), given) && found === undefined) found = token.name;
  }
  return found;
}

/** Accepted secrets already checked, per token list: a hash and a comparison per request cost more than a cached answer. */
const accepted = new WeakMap<ApiToken[], Map<string, string>>();
const MAX_ACCEPTED = 1024;

/**
 * matchToken, remembering secrets that matched (never ones that did not, so a caller cannot fill the
 * memory with guesses). A look-up in the map hashes the presented string whatever it is, and
 * compares characters only with a remembered secret of the same hash: what it could reveal is no
 * more than a full comparison with every token reveals.
 */
export function matchTokenCached(tokens: ApiToken[], presented: string): string | undefined {
  let known = accepted.get(tokens);
  if (!known) accepted.set(tokens, (known = new Map()));
  const hit = known.get(presented);
  if (hit !== undefined) return hit;
  const name = matchToken(tokens, presented);
  if (name !== undefined) {
    if (known.size >= MAX_ACCEPTED) known.clear();
    known.set(presented, name);
  }
  return name;
}

const TOKEN_NAME_KEY = 'apiTokenName';

/** The name of the token that authorised this request (for logs and audit rows), if any. */
export function apiTokenName(res: Response): string | undefined {
  const name: unknown = res.locals[TOKEN_NAME_KEY];
  return typeof name === 'string' ? name : undefined;
}

export function bearerOf(req: { headers: { authorization?: string } }): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Express middleware: 401 without a known bearer token; records the token's name on `res.locals`. */
export function requireApiToken(options: ApiAuthOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (options.open) return next();
    const presented = bearerOf(req);
    const name = presented ? matchTokenCached(options.tokens, presented) : undefined;
    if (!name) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="callsheet"');
      options.logger?.info({ requestId: res.locals.requestId as string, path: req.path, presented: Boolean(presented) }, 'api request refused: no valid token');
      return next(new HttpError(401, 'AuthenticationError', presented ? 'Invalid token' : 'Missing bearer token: send Authorization: Bearer <token> (see API_TOKENS)'));
    }
    res.locals[TOKEN_NAME_KEY] = name;
    next();
  };
}
