/** `callsheet sync [--strict]`: one sync of every source, printed per source; --strict fails on problems. */
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/index.js';
import { stderrLogger } from '../logger.js';
import type { SourceReport, SyncService } from '../sync/service.js';
import type { Problem } from '../sync/types.js';
import type { CliIo, SubCommand } from './io.js';
import { progressReporter, type ProgressReporter } from './progress.js';
import { openRuntime } from './runtime.js';

export function formatProblem(p: Problem, sourceId: string): string {
  const where = p.filePath ? `${p.filePath}${p.line ? `:${p.line}` : ''}` : sourceId;
  return `${where}: ${p.message}`;
}

export function formatReport(r: SourceReport): string[] {
  const head =
    r.status === 'skipped'
      ? `${r.sourceId}: skipped (another replica is syncing it)`
      : r.status === 'unchanged'
        ? `${r.sourceId}: unchanged${r.revision ? ` at ${r.revision.slice(0, 12)}` : ''}${r.problems.length ? `, ${r.problems.length} standing problem(s)` : ''}`
        : `${r.sourceId}: ${r.status}${r.revision ? ` at ${r.revision.slice(0, 12)}` : ''}: ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged (${r.durationMs} ms)`;
  return [head, ...r.problems.map((p) => `  ${formatProblem(p, r.sourceId)}`), ...r.notes.map((n) => `  note: ${n}`)];
}

/** Usage error for bad options, or undefined when the arguments are fine. */
export function syncUsageError(args: string[]): string | undefined {
  const unknown = args.filter((a) => a !== '--strict');
  return unknown.length ? `Unknown option ${unknown[0]}. Usage: callsheet sync [--strict]` : undefined;
}

/** The command itself, against a sync service that is already open (this process's or the server's). */
export async function runSync(args: string[], io: Pick<CliIo, 'out' | 'err'>, sync: Pick<SyncService, 'syncAll'>, progress?: ProgressReporter): Promise<number> {
  const usage = syncUsageError(args);
  if (usage) {
    io.err(usage);
    return 2;
  }
  const strict = args.includes('--strict');
  let reports: SourceReport[];
  try {
    reports = await sync.syncAll(progress ? { onProgress: progress.listener } : undefined);
  } finally {
    progress?.done();
  }
  for (const r of reports) io.out(formatReport(r).join('\n'));
  // For an unchanged source these are the problems still standing from its last read.
  const problems = reports.reduce((n, r) => n + r.problems.length, 0);
  io.out(`${reports.length} source(s), ${problems} problem(s)`);
  if (reports.some((r) => r.status === 'failed')) return 1;
  return strict && problems > 0 ? 1 : 0;
}

export const syncCli: SubCommand = async (args, io) => {
  const usage = syncUsageError(args);
  if (usage) {
    io.err(usage);
    return 2;
  }
  const config = loadConfig(io.env);
  // The same runtime as `serve`, so every kind of source it syncs (github: too) is synced here.
  const runtime = await openRuntime(config, { logger: stderrLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL), clock: systemClock });
  try {
    // Files read and entities written as it goes, on stderr: stdout stays the report alone.
    const progress = progressReporter({ tty: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text), line: (text) => io.err(text) });
    return await runSync(args, io, runtime.sync, progress);
  } finally {
    await runtime.close();
  }
};
