/**
 * What a template needs that Callsheet cannot give, found before its form opens (and by `callsheet
 * validate`): an action that is not registered here, or a form field (`ui:field`) no face renders.
 * Such a template is refused with the names, so nothing starts and fails half-way. The check reads
 * the registry the composition root configured, so a refusal lifts by itself when the action lands.
 */
import { isTruthy, renderValue } from './render.js';
import { stepsOf, type TemplateStep } from './runner.js';
import type { TemplateRecord } from './templates.js';

/** The `ui:field`s the form builder (form.ts) turns into real fields; Secret is a password field. */
export const SUPPORTED_FIELDS = new Set([
  'RepoUrlPicker',
  'OwnerPicker',
  'EntityPicker',
  'MultiEntityPicker',
  'OwnedEntityPicker',
  'MyGroupsPicker',
  'EntityNamePicker',
  'EntityTagsPicker',
  'RepoBranchPicker',
  'Secret',
]);

export interface Unsupported {
  kind: 'action' | 'field';
  name: string;
  /** The step id, or the parameter's path. */
  where: string;
}

let runnable: { has(id: string): boolean; why?: (id: string) => string | undefined } | undefined;

/**
 * Set once by the composition root with the ids its registry holds (and, optionally, why an action
 * known by name is missing, e.g. GitHub not configured). Unset, every action counts as runnable.
 */
export function configureRunnableActions(ids: Iterable<string>, why?: (id: string) => string | undefined): void {
  runnable = { has: (set => (id: string) => set.has(id))(new Set(ids)), why };
}

function walkFields(schema: unknown, path: string, out: Unsupported[], depth = 0): void {
  if (!schema || typeof schema !== 'object' || depth > 20) return;
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => walkFields(s, path, out, depth + 1));
    return;
  }
  const node = schema as Record<string, unknown>;
  const field = node['ui:field'];
  if (typeof field === 'string' && !SUPPORTED_FIELDS.has(field)) out.push({ kind: 'field', name: field, where: path || 'parameters' });
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, prop] of Object.entries(value)) walkFields(prop, path ? `${path}.${name}` : name, out, depth + 1);
    } else if (['dependencies', 'items', 'oneOf', 'anyOf', 'allOf', 'then', 'else', 'if'].includes(key)) {
      const inner = key === 'dependencies' && value && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : value;
      walkFields(inner, path, out, depth + 1);
    }
  }
}

/**
 * Whether a step may run. With no values (the form is about to open) a step with an `if` may be
 * skipped, so only unconditional steps count (the shipped templates' publish:github runs only when
 * GitHub is chosen); with the submitted values its condition is evaluated, and one that cannot be
 * evaluated yet (it reads step outputs) counts as running.
 */
function mayRun(step: TemplateStep, values: Record<string, unknown> | 'all' | undefined): boolean {
  if (step.if === undefined || values === 'all') return true;
  if (values === undefined) return false;
  try {
    return step.if !== false && (typeof step.if !== 'string' || isTruthy(renderValue(step.if, { parameters: values, steps: {}, context: { task: { id: '' } } })));
  } catch {
    return true;
  }
}

/**
 * Every action and field of the template Callsheet cannot run, in template order, each once. `values`:
 * undefined before the form (unconditional steps), the submitted values, or 'all' (every step).
 */
export function unsupportedParts(template: Pick<TemplateRecord, 'entity'>, has: (id: string) => boolean = (id) => runnable?.has(id) ?? true, values?: Record<string, unknown> | 'all'): Unsupported[] {
  const out: Unsupported[] = [];
  const seen = new Set<string>();
  for (const step of stepsOf(template as TemplateRecord)) {
    if (!mayRun(step, values)) continue;
    if (!has(step.action) && !seen.has(`action:${step.action}`)) {
      seen.add(`action:${step.action}`);
      out.push({ kind: 'action', name: step.action, where: step.id });
    }
  }
  const fields: Unsupported[] = [];
  walkFields(template.entity.spec?.parameters, '', fields);
  for (const f of fields) if (!seen.has(`field:${f.name}`)) seen.add(`field:${f.name}`) && out.push(f);
  return out;
}

/** One sentence naming each part, e.g. `action publish:gitlab:merge-request (step publish) is not available`. */
export function describeUnsupported(parts: Unsupported[]): string {
  return parts
    .map((p) => {
      const why = p.kind === 'action' ? runnable?.why?.(p.name) : undefined;
      return p.kind === 'action'
        ? `action ${p.name} (step ${p.where}) is not available${why ? `: ${why}` : ' in Callsheet'}`
        : `field ${p.name} (parameter ${p.where}) is not a field Callsheet can show`;
    })
    .join('; ');
}

/** The refusal shown instead of the form, or undefined when the template can run here. */
export function refusalOf(template: Pick<TemplateRecord, 'entity' | 'title'>, values?: Record<string, unknown>): string | undefined {
  const parts = unsupportedParts(template, undefined, values);
  return parts.length ? `${template.title} cannot run here: ${describeUnsupported(parts)}. Nothing was started.` : undefined;
}
