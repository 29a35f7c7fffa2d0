/**
 * What the HTTP surface exposes and to whom: API tokens for /api/catalog, where /metrics is served,
 * server timeouts and the connection cap, annotations that hold secrets, and which Git hosts a
 * location registered at run time may point at.
 */
import { z } from 'zod';
import { duration, list } from './fields.js';

export interface ApiToken {
  /** Shown in logs and the audit log; never the secret. */
  name: string;
  secret: string;
}

const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const MIN_TOKEN_LENGTH = 16;

/** `API_TOKENS=ci:<secret>,backstage:<secret>`: each item a name, a colon, and the secret. */
export const apiTokens = z
  .string()
  .default('')
  .transform((value, ctx): ApiToken[] => {
    const out: ApiToken[] = [];
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    items.forEach((item, i) => {
      const colon = item.indexOf(':');
      const name = colon > 0 ? item.slice(0, colon).trim() : '';
      const secret = colon > 0 ? item.slice(colon + 1).trim() : '';
      // The item is never echoed: it holds a secret.
      if (!TOKEN_NAME.test(name)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `item ${i + 1}: expected name:secret, the name made of letters, digits, '.', '_' or '-'` });
      else if (secret.length < MIN_TOKEN_LENGTH) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `token "${name}": the secret must be at least ${MIN_TOKEN_LENGTH} characters (try: openssl rand -hex 24)` });
      else if (out.some((t) => t.name === name)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `token "${name}" is listed twice` });
      else if (out.some((t) => t.secret === secret)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `token "${name}" has the same secret as "${out.find((t) => t.secret === secret)!.name}"` });
      else out.push({ name, secret });
    });
    return out;
  });

/** What a token may do: `read` (every token; the catalog API and the MCP questions) and `write` (MCP `create`). */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * `API_TOKEN_SCOPES=coding-agent:read+write`: extra scopes per token name. A token not listed has
 * `read` only, so tokens configured before scopes existed keep exactly what they could do.
 */
export const apiTokenScopes = z
  .string()
  .default('')
  .transform((value, ctx): Record<string, TokenScope[]> => {
    const out: Record<string, TokenScope[]> = {};
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const colon = item.indexOf(':');
      const name = colon > 0 ? item.slice(0, colon).trim() : '';
      const scopes = colon > 0 ? item.slice(colon + 1).split('+').map((s) => s.trim().toLowerCase()).filter(Boolean) : [];
      const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
      if (!TOKEN_NAME.test(name) || scopes.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${item}": expected name:scope+scope (scopes: ${TOKEN_SCOPES.join(', ')})` });
      else if (unknown.length) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `token "${name}": unknown scope ${unknown.join(', ')} (scopes: ${TOKEN_SCOPES.join(', ')})` });
      else out[name] = [...new Set<TokenScope>(['read', ...(scopes as TokenScope[])])];
    }
    return out;
  });

/**
 * `API_TOKEN_USERS=coding-agent:alice-nguyen,ci:user:default/ci-bot`: the catalog User a token acts
 * as (a name, email or ref, matched as CALLSHEET_USER is). Templates limited to groups run only for
 * their members; a token without a User is nobody in particular.
 */
export const apiTokenUsers = z
  .string()
  .default('')
  .transform((value, ctx): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const colon = item.indexOf(':');
      const name = colon > 0 ? item.slice(0, colon).trim() : '';
      const user = colon > 0 ? item.slice(colon + 1).trim() : '';
      if (!TOKEN_NAME.test(name) || !user) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${item}": expected name:user (a User's name, email or ref)` });
      else out[name] = user;
    }
    return out;
  });

const positiveInt = (fallback: number) => z.coerce.number({ invalid_type_error: 'expected a whole number' }).int().min(1).default(fallback);

export const securityEnv = z.object({
  API_TOKENS: apiTokens,
  /** `on` (default): /api/catalog needs a bearer token from API_TOKENS; `off` opens it to anyone who can reach the port. */
  API_TOKEN_SCOPES: apiTokenScopes,
  API_TOKEN_USERS: apiTokenUsers,
  API_AUTH: z.enum(['on', 'off'], { message: 'expected on or off' }).default('on'),
  /** A separate listener for /metrics; unset: /metrics is on PORT and needs an API token. */
  METRICS_PORT: z.coerce.number({ invalid_type_error: 'expected a port number' }).int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Longest time to receive a whole request (headers and body); a trickled body is cut off. */
  HTTP_REQUEST_TIMEOUT: duration('15s'),
  HTTP_HEADERS_TIMEOUT: duration('10s'),
  HTTP_MAX_CONNECTIONS: positiveInt(1000),
  /** An MCP session over Streamable HTTP with no request and no open stream for this long is ended (404 after). */
  MCP_SESSION_IDLE: duration('30m'),
  /** MCP sessions per replica (the least recently used idle one ends for a new one); 0: stateless only. */
  MCP_MAX_SESSIONS: z.coerce.number({ invalid_type_error: 'expected a whole number' }).int().min(0).default(1000),
  /** Memory for the catalog API's rendered entities and list answers (MiB), least recently used dropped first. */
  API_CACHE_MB: positiveInt(128),
  /** Memory for whole answers of GET /entities and /entities/by-query (MiB), kept per catalog generation by URL. */
  API_ANSWER_CACHE_MB: positiveInt(96),
  /** Annotations, besides pagerduty.com/integration-key, whose values never leave the service. */
  SECRET_ANNOTATIONS: list(''),
  /** Hosts catalog:register may point at, besides the configured GitHub's. */
  GIT_ALLOWED_HOSTS: list('').transform((hosts) => hosts.map((h) => h.toLowerCase())),
});

export type SecurityEnv = z.output<typeof securityEnv>;

export function securityConfigProblems(config: SecurityEnv): string[] {
  const problems: string[] = [];
  const names = new Set(config.API_TOKENS.map((t) => t.name));
  for (const [variable, map] of [['API_TOKEN_SCOPES', config.API_TOKEN_SCOPES], ['API_TOKEN_USERS', config.API_TOKEN_USERS]] as const) {
    for (const name of Object.keys(map)) if (!names.has(name)) problems.push(`${variable}: token "${name}" is not in API_TOKENS`);
  }
  if (config.HTTP_HEADERS_TIMEOUT > config.HTTP_REQUEST_TIMEOUT) problems.push('HTTP_HEADERS_TIMEOUT: must not be longer than HTTP_REQUEST_TIMEOUT');
  return problems;
}
