/**
 * Dry runs as Backstage's scaffolder does them: every step's `if`/`each`/`input` is rendered as in a
 * real run; actions that declare `supportsDryRun` run against the task's temporary workspace with
 * `isDryRun: true`; every other action (publishing, registering, calling out) is skipped and listed,
 * and its outputs become placeholders so later steps and `spec.output` still render. What the
 * workspace holds at the end is reported (paths and sizes, catalog files in full), then removed.
 * Nothing is stored: a dry run has no task row.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { runTask, type RunInput, type RunnerDeps } from './runner.js';
import type { StepRecord, TaskOutputs } from './tasks.js';
import type { Workspace } from './workspace.js';

export { placeholderOf, placeholderOutput } from './dry-run-placeholders.js';

export interface DryRunFile {
  path: string;
  size: number;
  /** The whole text of catalog files (`catalog-info.yaml`), so the entity that would register can be read. */
  content?: string;
}

export type DryRunResult = {
  status: 'completed' | 'failed';
  steps: StepRecord[];
  outputs?: TaskOutputs;
  error?: string;
  files: DryRunFile[];
  /** Steps whose action does not support dry run, so they were not run. */
  skipped: { id: string; name: string; action: string }[];
};

/** Catalog files are shown in full up to this size (bigger ones are listed with their size only). */
export const MAX_SHOWN_CATALOG_BYTES = 64 * 1024;
const CATALOG_FILE = /^catalog-info\.ya?ml$/i;

/** The workspace's files with their sizes; catalog files with their text. */
export async function workspaceFiles(workspace: Workspace): Promise<DryRunFile[]> {
  const files: DryRunFile[] = [];
  for (const path of await workspace.list()) {
    const full = await workspace.resolve(path);
    const { size } = await stat(full);
    const file: DryRunFile = { path, size };
    if (CATALOG_FILE.test(posix.basename(path)) && size <= MAX_SHOWN_CATALOG_BYTES) file.content = await readFile(full, 'utf8');
    files.push(file);
  }
  return files;
}

export type DryRunInput = Omit<RunInput, 'taskId' | 'report' | 'dryRun' | 'inspect'>;

/** Runs the template in dry-run mode and reports what a real run would do. */
export async function dryRunTemplate(input: DryRunInput, deps: RunnerDeps): Promise<DryRunResult> {
  let files: DryRunFile[] = [];
  const result = await runTask(
    {
      ...input,
      taskId: `dry-run-${randomUUID()}`,
      dryRun: true,
      inspect: async (workspace) => {
        files = await workspaceFiles(workspace);
      },
      report: async () => {},
    },
    deps,
  );
  const skipped = result.steps.filter((s) => s.status === 'skipped' && s.log.some((l) => l.includes('does not support dry run'))).map(({ id, name, action }) => ({ id, name, action }));
  return result.status === 'completed'
    ? { status: 'completed', steps: result.steps, outputs: result.outputs, files, skipped }
    : { status: 'failed', steps: result.steps, error: result.error, files, skipped };
}
