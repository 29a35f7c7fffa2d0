/**
 * `callsheet create <template> --values values.json [--dry-run] [--as <user>]`: a template run for
 * scripts and CI, without prompts. The values are checked against the template's parameters with
 * the forms' own validation (exit 1 with every error), then the task runs (or dry-runs) and each
 * step and the outputs are printed; exit 0 when it completed. With the embedded database held by a
 * running `callsheet serve`, the command is sent there with the values read here.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/index.js';
import { PgliteLockedError } from '../db/pglite-lock.js';
import { createLogger } from '../logger.js';
import type { CliIo, SubCommand } from './io.js';
import { forwardToServer } from './local-forward.js';
import { runCreate, type CreateArgs } from './create-run.js';
import { openRuntime } from './runtime.js';

export const USAGE = 'Usage: callsheet create <template> --values <values.json> [--dry-run] [--as <user>]';
const MAX_VALUES_BYTES = 1024 * 1024;

/** Parses the arguments; `--values-inline` carries the file's text when forwarded to the server. */
export async function parseCreateArgs(args: string[]): Promise<{ ok: true; args: CreateArgs; text: string } | { ok: false; message: string }> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { values: { type: 'string' }, 'values-inline': { type: 'string' }, 'dry-run': { type: 'boolean' }, as: { type: 'string' } } });
  } catch (error) {
    return { ok: false, message: `${error instanceof Error ? error.message : String(error)}\n${USAGE}` };
  }
  const template = parsed.positionals.join(' ').trim();
  if (!template) return { ok: false, message: USAGE };
  let text = parsed.values['values-inline'];
  const file = parsed.values.values;
  if (text === undefined) {
    if (!file) return { ok: false, message: `--values <file> is required: a JSON object of the template's parameters\n${USAGE}` };
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return { ok: false, message: `${file}: no such file` };
    if (info.size > MAX_VALUES_BYTES) return { ok: false, message: `${file}: ${info.size} bytes is more than the ${MAX_VALUES_BYTES} a values file may have` };
    text = await readFile(file, 'utf8');
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${file ?? 'values'}: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return { ok: false, message: `${file ?? 'values'}: must be a JSON object of parameter names to values` };
  return { ok: true, text, args: { template, values: values as Record<string, unknown>, dryRun: parsed.values['dry-run'] === true, ...(parsed.values.as ? { as: parsed.values.as } : {}) } };
}

export const createCli: SubCommand = async (args, io: CliIo) => {
  const parsed = await parseCreateArgs(args);
  if (!parsed.ok) {
    io.err(parsed.message);
    return parsed.message.startsWith('Usage') || parsed.message.includes(USAGE) ? 2 : 1;
  }
  const config = loadConfig(io.env);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let runtime;
  try {
    runtime = await openRuntime(config, { logger, clock: systemClock });
  } catch (error) {
    if (!(error instanceof PgliteLockedError)) throw error;
    // The server takes arguments of up to 10,000 characters (src/http/local-command.ts).
    if (parsed.text.length > 10_000) {
      io.err('The values are too long to send to the running "callsheet serve" (10,000 characters at most); stop it, or use Postgres (DATABASE_URL).');
      return 1;
    }
    const forwarded = [parsed.args.template, '--values-inline', parsed.text, ...(parsed.args.dryRun ? ['--dry-run'] : []), ...(parsed.args.as ? ['--as', parsed.args.as] : [])];
    return forwardToServer('create', forwarded, io, error);
  }
  const worker = runtime.createWorker({ progress: async () => {}, finished: async () => {} });
  try {
    // This process is a worker too: it runs tasks until its own has ended.
    return await runCreate(parsed.args, io, runtime, { drive: async () => void (await worker.runOnce()) });
  } finally {
    await runtime.close();
  }
};
