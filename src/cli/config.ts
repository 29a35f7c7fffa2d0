import { ConfigError, loadConfig, maskedConfig } from '../config/index.js';
import type { SubCommand } from './io.js';

/** `callsheet config`: the effective configuration with secrets masked, or every problem in it. */
export const configCli: SubCommand = async (_args, io) => {
  try {
    const config = loadConfig(io.env);
    const masked = maskedConfig(config as unknown as Record<string, unknown>);
    const width = Math.max(...Object.keys(masked).map((k) => k.length));
    for (const [key, value] of Object.entries(masked).sort(([a], [b]) => a.localeCompare(b))) {
      io.out(`${key.padEnd(width)}  ${value === undefined ? '(unset)' : Array.isArray(value) ? value.join(',') : String(value)}`);
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
