/**
 * fetch:template — copies a skeleton folder into the workspace, rendering file names and contents
 * with `${{ values.x }}` (Backstage's semantics: copyWithoutTemplating globs, templateFileExtension,
 * replace; a file whose rendered path is empty is skipped, which is how templates leave files out).
 */
import { readFile } from 'node:fs/promises';
import { lstat } from 'node:fs/promises';
import picomatch from 'picomatch';
import { z } from 'zod';
import { renderString } from '../render.js';
import { createAction } from './types.js';
import { withSource, type RemoteReader } from './source-folder.js';
import { isBinary, walkTemplateDir } from './template-files.js';

const schema = z
  .object({
    url: z.string().min(1).describe('Folder relative to the template file'),
    targetPath: z.string().default('./'),
    values: z.record(z.unknown()).default({}),
    copyWithoutTemplating: z.array(z.string()).optional(),
    /** Deprecated spelling Backstage still accepts. */
    copyWithoutRender: z.array(z.string()).optional(),
    templateFileExtension: z.union([z.boolean(), z.string().min(1)]).optional(),
    replace: z.boolean().default(false),
    trimBlocks: z.boolean().optional(),
    lstripBlocks: z.boolean().optional(),
  })
  .strict()
  .refine((i) => !(i.copyWithoutTemplating && i.copyWithoutRender), { message: 'use copyWithoutTemplating or copyWithoutRender, not both' })
  .refine((i) => !(i.templateFileExtension && (i.copyWithoutTemplating || i.copyWithoutRender)), { message: 'templateFileExtension cannot be combined with copyWithoutTemplating' });

/** Backstage skips outputs whose rendered path is empty, absolute or has an empty segment. */
function skipped(path: string): boolean {
  return path.trim() === '' || path.startsWith('/') || path.includes('//') || path.endsWith('/');
}

export function fetchTemplateActionWith(remote?: RemoteReader) {
  return createAction({
  id: 'fetch:template',
  supportsDryRun: true,
  description: 'Copies a skeleton next to the template into the workspace, rendering names and contents with the given values',
  schema,
  async handler(ctx) {
    const { input, workspace } = ctx;
    const written = await withSource(ctx.templateDir, input.url, remote, workspace.limits, async (source) => {
    const { files } = await walkTemplateDir(source, workspace.limits);
    const globs = input.copyWithoutTemplating ?? input.copyWithoutRender ?? [];
    const verbatim = globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
    const extension = input.templateFileExtension === true ? '.njk' : input.templateFileExtension || undefined;
    const context = { values: input.values };
    const options = { trimBlocks: input.trimBlocks, lstripBlocks: input.lstripBlocks };
    let written = 0;
    for (const file of files) {
      let target = file.path;
      let renderContents: boolean;
      if (extension) {
        renderContents = target.endsWith(extension);
        if (renderContents) target = target.slice(0, -extension.length);
        target = renderString(target, context, options);
      } else {
        renderContents = !verbatim(file.path);
        if (renderContents) target = renderString(target, context, options);
      }
      if (skipped(target)) continue;
      const destination = `${input.targetPath.replace(/\/+$/, '')}/${target}`;
      const full = await workspace.resolve(destination);
      if (!input.replace && (await lstat(full).catch(() => undefined))) {
        ctx.logger.info(`Kept existing ${destination} (replace is off)`);
        continue;
      }
      const raw = await readFile(file.full);
      const content = renderContents && !isBinary(raw) ? renderString(raw.toString('utf8'), context, options) : raw;
      await workspace.write(destination, content, { replace: input.replace, mode: file.mode });
      written++;
    }
    return written;
    });
    ctx.logger.info(`Wrote ${written} file(s) from ${input.url} into ${input.targetPath}`);
  },
});
}

/** Without a RemoteReader: paths next to the template only. */
export const fetchTemplateAction = fetchTemplateActionWith();
