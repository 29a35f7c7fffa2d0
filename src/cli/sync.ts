/** `callsheet sync [--strict]`: one sync of every source, printed per source; --strict fails on problems. */
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/index.js';
import { openDatabaseFromConfig } from '../db/from-config.js';
import { silentLogger } from '../logger.js';
import { createSyncService, type SourceReport } from '../sync/service.js';
import type { Problem } from '../sync/types.js';
import type { SubCommand } from './io.js';

export function formatProblem(p: Problem, sourceId: string): string {
  const where = p.filePath ? `${p.filePath}${p.line ? `:${p.line}` : ''}` : sourceId;
  return `${where}: ${p.message}`;
}

export function formatReport(r: SourceReport): string[] {
  const head =
    r.status === 'skipped'
      ? `${r.sourceId}: skipped (another replica is syncing it)`
      : r.status === 'unchanged'
        ? `${r.sourceId}: unchanged${r.revision ? ` at ${r.revision.slice(0, 12)}` : ''}`
        : `${r.sourceId}: ${r.status}${r.revision ? ` at ${r.revision.slice(0, 12)}` : ''}: ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged (${r.durationMs} ms)`;
  return [head, ...r.problems.map((p) => `  ${formatProblem(p, r.sourceId)}`), ...r.notes.map((n) => `  note: ${n}`)];
}

export const syncCli: SubCommand = async (args, io) => {
  const unknown = args.filter((a) => a !== '--strict');
  if (unknown.length) {
    io.err(`Unknown option ${unknown[0]}. Usage: callsheet sync [--strict]`);
    return 2;
  }
  const strict = args.includes('--strict');
  const config = loadConfig(io.env);
  const database = await openDatabaseFromConfig(config);
  try {
    const service = createSyncService({ db: database.db, config, logger: silentLogger(), clock: systemClock });
    const reports = await service.syncAll();
    for (const r of reports) io.out(formatReport(r).join('\n'));
    const problems = reports.reduce((n, r) => n + r.problems.length, 0);
    io.out(`${reports.length} source(s), ${problems} problem(s)`);
    if (reports.some((r) => r.status === 'failed')) return 1;
    return strict && problems > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
};
