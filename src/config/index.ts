/**
 * Configuration from the environment, validated as a whole: every problem is reported at once with
 * the variable's name and what was expected. Each area keeps its variables in its own file.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { coreEnv } from './core.js';
import { syncEnv } from './sync.js';

const envSchema = coreEnv.merge(syncEnv);

export type Config = z.output<typeof envSchema> & { INSTANCE_ID: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return { ...result.data, INSTANCE_ID: result.data.INSTANCE_ID ?? `${hostname()}-${process.pid}` };
}

/** Variables whose values must never be printed or logged. */
export const SECRET_KEYS = /(TOKEN|SECRET|PASSWORD|PRIVATE_KEY|DATABASE_URL)/;

export function maskedConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== undefined && v !== '' ? '********' : v]),
  );
}
