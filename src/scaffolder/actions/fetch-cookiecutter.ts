/**
 * fetch:cookiecutter — renders a cookiecutter skeleton in process, with nunjucks (Jinja-compatible
 * syntax) instead of Python's cookiecutter in Docker. As Backstage does: the skeleton's own
 * cookiecutter.json gives defaults, the step's values win, every file name and content is rendered
 * with `cookiecutter.<name>`, `copyWithoutRender` globs are copied as they are. Everything is
 * rendered in memory first, so a template nunjucks cannot render fails before a file is written;
 * Jinja2 `extensions` (Python code) are refused up front.
 */
import { readFile } from 'node:fs/promises';
import nunjucks from 'nunjucks';
import picomatch from 'picomatch';
import { z } from 'zod';
import { createAction } from './types.js';
import { isBinary, walkTemplateDir } from './template-files.js';
import { withSource, type RemoteReader } from './source-folder.js';

const schema = z
  .object({
    url: z.string().min(1),
    targetPath: z.string().default('./'),
    values: z.record(z.unknown()).default({}),
    copyWithoutRender: z.array(z.string()).optional(),
    extensions: z.array(z.string()).optional(),
  })
  .strict();

/** cookiecutter's built-in Jinja extensions that templates use, as nunjucks filters. */
function environment(): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  env.addFilter('jsonify', (value: unknown, indent?: number) => JSON.stringify(value, null, indent));
  env.addFilter('slugify', (value: unknown) => String(value).toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_-]+/g, '-'));
  return env;
}

function renderWith(env: nunjucks.Environment, text: string, context: object, what: string): string {
  try {
    return env.renderString(text, context);
  } catch (error) {
    const first = error instanceof Error ? (error.message.split('\n').find((l) => l.trim()) ?? error.message) : String(error);
    throw new Error(`${what} cannot be rendered in process (${first.trim()}); nothing was written`);
  }
}

/** cookiecutter.json: defaults, where a list means "the first choice" and strings may refer to earlier keys. */
function defaultsOf(raw: Record<string, unknown>, values: Record<string, unknown>, env: nunjucks.Environment): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key in values) out[key] = values[key];
    else if (Array.isArray(value)) out[key] = value[0];
    else if (typeof value === 'string' && !key.startsWith('_')) out[key] = renderWith(env, value, { cookiecutter: out }, `cookiecutter.json ${key}`);
    else out[key] = value;
  }
  return { ...out, ...values };
}

export function fetchCookiecutterAction(remote?: RemoteReader) {
  return createAction({
    id: 'fetch:cookiecutter',
    description: 'Renders a cookiecutter skeleton into the workspace (in process, Jinja-compatible nunjucks)',
    schema,
    async handler(ctx) {
      const { input, workspace } = ctx;
      if (input.extensions?.length) throw new Error(`fetch:cookiecutter: Jinja2 extensions (${input.extensions.join(', ')}) are Python code and cannot run in Callsheet; nothing was written`);
      const env = environment();
      const rendered = await withSource(ctx.templateDir, input.url, remote, workspace.limits, async (dir) => {
        const { files } = await walkTemplateDir(dir, workspace.limits);
        const json = files.find((f) => f.path === 'cookiecutter.json');
        const raw = json ? (JSON.parse(await readFile(json.full, 'utf8')) as Record<string, unknown>) : {};
        const cookiecutter = { ...defaultsOf(raw, input.values, env), _copy_without_render: input.copyWithoutRender };
        const verbatim = input.copyWithoutRender?.length ? picomatch(input.copyWithoutRender, { dot: true }) : () => false;
        const out: { path: string; content: Buffer | string; mode: number }[] = [];
        for (const file of files) {
          if (file.path === 'cookiecutter.json') continue;
          const path = renderWith(env, file.path, { cookiecutter }, `file name ${file.path}`);
          if (!path.trim() || path.split('/').some((p) => !p.trim())) continue;
          const bytes = await readFile(file.full);
          const content = verbatim(file.path) || isBinary(bytes) ? bytes : renderWith(env, bytes.toString('utf8'), { cookiecutter }, file.path);
          out.push({ path, content, mode: file.mode });
        }
        return out;
      });
      for (const file of rendered) await workspace.write(`${input.targetPath.replace(/\/+$/, '')}/${file.path}`, file.content, { replace: true, mode: file.mode });
      ctx.logger.info(`Rendered ${rendered.length} file(s) from ${input.url} into ${input.targetPath} (cookiecutter, in process)`);
    },
  });
}
