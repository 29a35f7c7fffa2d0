/**
 * Runs one scaffolder action's handler as the runner would, on a fresh workspace under `parent`
 * holding `files`, and collects its outputs and log lines. For the action suites (GitHub, GitLab).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateAction } from '../../src/scaffolder/actions/types.js';
import { createWorkspace } from '../../src/scaffolder/workspace.js';

export interface ActionRun {
  outputs: Record<string, unknown>;
  log: string[];
  root: string;
}

export async function runAction(action: TemplateAction, input: Record<string, unknown>, options: { parent: string; files?: Record<string, string>; root?: string; isDryRun?: boolean }): Promise<ActionRun> {
  const root = options.root ?? join(options.parent, `ws-${Math.random().toString(36).slice(2)}`);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const outputs: Record<string, unknown> = {};
  const log: string[] = [];
  await action.handler({
    input: action.schema.parse(input),
    workspace: createWorkspace(root),
    templateDir: options.parent,
    templateRef: 'template:default/t',
    logger: { info: (m) => log.push(m), warn: (m) => log.push(`warn ${m}`) },
    output: (k, v) => (outputs[k] = v),
    user: {},
    task: { id: `t-${Math.random()}` },
    secrets: {},
    ...(options.isDryRun !== undefined ? { isDryRun: options.isDryRun } : {}),
  });
  return { outputs, log, root };
}
