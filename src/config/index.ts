/**
 * Configuration from the environment, validated as a whole: every problem is reported at once with
 * the variable's name and what was expected. Each area keeps its variables in its own file.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { DURATION } from './fields.js';
import { auditEnv } from './audit.js';
import { coreEnv } from './core.js';
import { githubEnv } from './github.js';
import { gitlabEnv } from './gitlab.js';
import { teamsConfigProblems, teamsEnv } from './teams.js';
import { scaffolderEnv } from './scaffolder.js';
import { nudgeConfigProblems, nudgesEnv } from './nudges.js';
import { slackConfigProblems, slackEnv } from './slack.js';
import { orgSourcesProblems } from './sources.js';
import { syncConfigProblems, syncEnv } from './sync.js';
import { trustEnv } from './trust.js';
import { oncallEnv } from './oncall.js';
import { securityConfigProblems, securityEnv } from './security.js';

// One line per area; each area's variables live in its own file.
const envSchema = coreEnv
  .merge(githubEnv)
  .merge(gitlabEnv)
  .merge(teamsEnv)
  .merge(scaffolderEnv)
  .merge(nudgesEnv)
  .merge(slackEnv)
  .merge(syncEnv)
  .merge(trustEnv)
  .merge(securityEnv)
  .merge(auditEnv)
  .merge(oncallEnv);

/** Every variable the configuration reads, for `callsheet config` and the README check. */
export const CONFIG_KEYS: readonly string[] = Object.keys(envSchema.shape);

/** Variables holding a duration, printed as written rather than in milliseconds. */
export const DURATION_KEYS: ReadonlySet<string> = new Set(
  Object.entries(envSchema.shape as Record<string, z.ZodTypeAny>).filter(([, field]) => field.description === DURATION).map(([key]) => key),
);

export type Config = z.output<typeof envSchema> & { INSTANCE_ID: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Rules that span several variables; each returns problems in the same `NAME: what` form. */
const crossChecks: Array<(config: z.output<typeof envSchema>) => string[]> = [
  teamsConfigProblems,
  slackConfigProblems,
  syncConfigProblems,
  nudgeConfigProblems,
  orgSourcesProblems,
  securityConfigProblems,
];

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const problems = crossChecks.flatMap((check) => check(result.data));
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...result.data, INSTANCE_ID: result.data.INSTANCE_ID ?? `${hostname()}-${process.pid}` };
}

/** Variables whose values must never be printed or logged. */
export const SECRET_KEYS = /(TOKEN|SECRET|PASSWORD|PRIVATE_KEY|API_KEY|ENCRYPTION_KEY)/;

/** Variables that are URLs whose host is worth seeing and whose password is not. */
const PASSWORD_URL_KEYS = /DATABASE_URL$/;

/** `postgres://user:password@host/db` -> `postgres://user:********@host/db`: only the password goes. */
export function maskUrlPassword(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^/?#\s@]*@/i, '$1:********@')
    .replace(/([?&]password=)[^&#]*/gi, '$1********');
}

/**
 * `scheme://user:password@host/...` anywhere in a value (a Git source with a token in it, a
 * database URL under another name) keeps its scheme and host and loses its credentials.
 */
export function maskUrlCredentials(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, '$1********@');
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (Array.isArray(value)) return value.map(maskValue);
  return value;
}

export function maskedConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, PASSWORD_URL_KEYS.test(k) && typeof v === 'string' ? maskUrlPassword(v) : SECRET_KEYS.test(k) && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) ? '********' : maskValue(v)]),
  );
}
