/**
 * `${{ }}` expressions with Backstage's semantics (NunjucksWorkflowRunner + SecureTemplater): nunjucks
 * with `${{`/`}}` as variable tags and no autoescaping; a string that is one lone expression keeps the
 * type of its value (rendered through `dump`, then JSON-parsed); an empty result means "no value".
 *
 * Only strings that come from the template are rendered. Parameters, step outputs and the user are
 * the context: text a person typed is printed as data and never compiled as a template.
 */
import nunjucks from 'nunjucks';
import { templateFilters } from './filters.js';

export interface TemplateContext {
  parameters: Record<string, unknown>;
  steps: Record<string, { output: Record<string, unknown> }>;
  user?: { entity?: unknown; ref?: string };
  context: { task: { id: string } };
  secrets?: Record<string, string>;
  each?: { key: string; value: unknown };
  [key: string]: unknown;
}

export interface RenderOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

const TAGS = { variableStart: '${{', variableEnd: '}}' };

function makeEnvironment(options: RenderOptions): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, tags: TAGS, trimBlocks: options.trimBlocks, lstripBlocks: options.lstripBlocks });
  for (const [name, filter] of Object.entries(templateFilters)) env.addFilter(name, filter);
  return env;
}

const environments = new Map<string, nunjucks.Environment>();

function environment(options: RenderOptions = {}): nunjucks.Environment {
  const key = `${options.trimBlocks ? 1 : 0}${options.lstripBlocks ? 1 : 0}`;
  let env = environments.get(key);
  if (!env) {
    env = makeEnvironment(options);
    environments.set(key, env);
  }
  return env;
}

/** Renders one template string (a skeleton file, a file name) to text. */
export function renderString(template: string, context: object, options: RenderOptions = {}): string {
  try {
    return environment(options).renderString(template, context);
  } catch (error) {
    // nunjucks errors carry the whole template; keep the first line, which names the problem.
    const message = error instanceof Error ? error.message.split('\n').find((l) => l.trim() !== '') ?? error.message : String(error);
    throw new Error(message.trim());
  }
}

interface ParserModule {
  parser: { parse(src: string, extensions: unknown, options: unknown): { children: { children?: unknown[] }[] } };
  nodes: { TemplateData: new (...args: unknown[]) => unknown };
}

/** True when the string is exactly one `${{ expr }}` with nothing around it. */
export function isSingleExpression(input: string): boolean {
  const { parser, nodes } = nunjucks as unknown as ParserModule;
  const parsed = parser.parse(input, {}, { autoescape: false, tags: TAGS });
  return parsed.children.length === 1 && !(parsed.children[0]?.children?.[0] instanceof nodes.TemplateData);
}

function renderLeaf(value: string, context: TemplateContext): unknown {
  if (!value.includes('${{') && !value.includes('{%')) return value;
  let single = false;
  try {
    single = isSingleExpression(value);
  } catch {
    single = false;
  }
  if (single) {
    const dumped = renderString(value.replace(/\$\{\{(.+)\}\}/gs, '${{ ( $1 ) | dump }}'), context);
    if (dumped === '') return undefined;
    return JSON.parse(dumped);
  }
  const text = renderString(value, context);
  return text === '' ? undefined : text;
}

/**
 * Renders every string inside a template value (step input, `if`, `each`, output). A failing
 * expression throws with the expression in the message, so a broken template fails its step loudly
 * rather than passing the raw `${{ }}` text on to an action.
 */
export function renderValue<T>(input: T, context: TemplateContext): unknown {
  if (input === undefined) return undefined;
  return JSON.parse(JSON.stringify(input), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    try {
      return renderLeaf(value, context);
    } catch (error) {
      throw new Error(`cannot render ${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Backstage's `if` truthiness: an empty array is false, everything else as JavaScript. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
