import { CONFIG_KEYS, ConfigError, DURATION_KEYS, loadConfig, maskedConfig } from '../config/index.js';
import { formatDuration } from '../config/duration.js';
import type { SubCommand } from './io.js';

/** A duration as the operator wrote it (`5m`), or its default in the same form. */
function durationText(key: string, value: unknown, env: Record<string, string | undefined>): string {
  const written = env[key]?.trim();
  if (written) return written;
  return typeof value === 'number' ? formatDuration(value) : String(value);
}

function text(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.join(',');
  // Per-token maps (API_TOKEN_SCOPES, API_TOKEN_USERS) as they are written: name:value,name:value.
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}:${Array.isArray(v) ? v.join('+') : String(v)}`).join(',');
  return String(value);
}

/**
 * `callsheet config`: every variable the configuration reads (set or not) with secrets masked, or
 * every problem in it.
 */
export const configCli: SubCommand = async (_args, io) => {
  try {
    const config = loadConfig(io.env);
    const masked = maskedConfig(config as unknown as Record<string, unknown>);
    const keys = [...new Set([...CONFIG_KEYS, ...Object.keys(masked)])].sort((a, b) => a.localeCompare(b));
    const width = Math.max(...keys.map((k) => k.length));
    for (const key of keys) {
      const value = masked[key];
      io.out(`${key.padEnd(width)}  ${DURATION_KEYS.has(key) ? durationText(key, value, io.env) : text(value)}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
};
