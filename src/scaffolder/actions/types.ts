/**
 * The action contract. Each action is one file: an id, a zod input schema that rejects unknown keys,
 * and a handler that works only inside the task's Workspace. New actions (publish:github) plug into
 * the registry without touching the runner.
 */
import type { z } from 'zod';
import type { Workspace } from '../workspace.js';

export interface StepLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ActionContext<I> {
  input: I;
  workspace: Workspace;
  /** Local folder holding the template file; `url`s in inputs are relative to it. Read only. */
  templateDir: string;
  templateRef: string;
  logger: StepLogger;
  output(name: string, value: unknown): void;
  user: { entity?: unknown; ref?: string };
  task: { id: string };
  /** Secret values for the action (tokens); never logged, never stored. */
  secrets: Record<string, string>;
  /** A dry run: only actions declaring `supportsDryRun` are called, and they must not publish or call out. */
  isDryRun?: boolean;
}

export interface TemplateAction<S extends z.ZodTypeAny = z.ZodTypeAny> {
  id: string;
  description: string;
  schema: S;
  /** Safe to run in a dry run: works only inside the workspace (as Backstage's fetch:* and catalog:write). */
  supportsDryRun?: boolean;
  handler(ctx: ActionContext<z.output<S>>): Promise<void>;
}

export function createAction<S extends z.ZodTypeAny>(action: TemplateAction<S>): TemplateAction<S> {
  return action;
}

export interface ActionRegistry {
  get(id: string): TemplateAction | undefined;
  ids(): string[];
}

export function createActionRegistry(actions: TemplateAction<any>[]): ActionRegistry {
  const byId = new Map<string, TemplateAction>();
  for (const action of actions) {
    if (byId.has(action.id)) throw new Error(`action ${action.id} is registered twice`);
    byId.set(action.id, action);
  }
  return { get: (id) => byId.get(id), ids: () => [...byId.keys()].sort() };
}
