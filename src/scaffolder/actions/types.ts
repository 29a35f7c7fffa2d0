/**
 * The action contract. Each action is one file: an id, a zod input schema that rejects unknown keys,
 * and a handler that works only inside the task's Workspace. New actions (publish:github) plug into
 * the registry without touching the runner.
 */
import type { z } from 'zod';
import type { Workspace } from '../workspace.js';
import { backstageSchemaOf, contractSchema, ContractedInput } from './backstage-contract.js';

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
  /** As Backstage's: whether the action runs (without side effects) when the context's isDryRun is true; such actions work only inside the workspace or skip their calls out. */
  supportsDryRun?: boolean;
  handler(ctx: ActionContext<z.output<S>>): Promise<void>;
}

const REPORTED_MAX = 1000;

/**
 * An action, held to Backstage's contract when Backstage has one of that id (backstage-contract.ts):
 * inputs Callsheet does not act on are reported once per task in its log, never a failure.
 */
export function createAction<S extends z.ZodTypeAny>(action: TemplateAction<S>): TemplateAction<S> {
  const schema = contractSchema(action.id, action.schema);
  if (!schema) return action;
  const reported = new Set<string>();
  return {
    ...action,
    supportsDryRun: action.supportsDryRun ?? backstageSchemaOf(action.id)!.supportsDryRun,
    schema: schema as unknown as S,
    async handler(ctx) {
      const input: unknown = ctx.input;
      if (!(input instanceof ContractedInput)) return action.handler(ctx);
      if ((input.notActedOn.length || input.unknownToBackstage.length) && !reported.has(ctx.task.id)) {
        if (reported.size >= REPORTED_MAX) reported.clear();
        reported.add(ctx.task.id);
        if (input.notActedOn.length) ctx.logger.warn(`Ignored by Callsheet's ${action.id}: ${input.notActedOn.join(', ')}`);
        if (input.unknownToBackstage.length) ctx.logger.warn(`Ignored, not an input of Backstage's ${action.id} either: ${input.unknownToBackstage.join(', ')}`);
      }
      return action.handler({ ...ctx, input: input.value as z.output<S> });
    },
  };
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
