/** fetch:template:file — renders one file next to the template into `targetPath`. */
import { lstat, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { renderString } from '../render.js';
import { PathRefused } from '../workspace.js';
import { createAction } from './types.js';
import { withSource, type RemoteReader } from './source-folder.js';
import { isBinary } from './template-files.js';

const schema = z
  .object({
    url: z.string().min(1),
    targetPath: z.string().min(1),
    values: z.record(z.unknown()).default({}),
    replace: z.boolean().default(false),
    trimBlocks: z.boolean().optional(),
    lstripBlocks: z.boolean().optional(),
  })
  .strict();

export function fetchTemplateFileActionWith(remote?: RemoteReader) {
  return createAction({
  id: 'fetch:template:file',
  supportsDryRun: true,
  description: 'Renders one file next to the template into the workspace',
  schema,
  async handler(ctx) {
    const { input, workspace } = ctx;
    const wrote = await withSource(ctx.templateDir, input.url, remote, workspace.limits, async (source) => {
    const stat = await lstat(source).catch(() => undefined);
    if (!stat) throw new Error(`template file ${input.url} does not exist`);
    if (stat.isSymbolicLink()) throw new PathRefused(`template file ${input.url} is a symbolic link`);
    if (!stat.isFile()) throw new Error(`${input.url} is not a file`);
    if (!input.replace && (await lstat(await workspace.resolve(input.targetPath)).catch(() => undefined))) {
      ctx.logger.info(`Kept existing ${input.targetPath} (replace is off)`);
      return false;
    }
    const raw = await readFile(source);
    const content = isBinary(raw) ? raw : renderString(raw.toString('utf8'), { values: input.values }, { trimBlocks: input.trimBlocks, lstripBlocks: input.lstripBlocks });
    await workspace.write(input.targetPath, content, { replace: input.replace, mode: stat.mode & 0o777 });
    return true;
    });
    if (wrote) ctx.logger.info(`Wrote ${input.targetPath}`);
  },
});
}

/** Without a RemoteReader: paths next to the template only. */
export const fetchTemplateFileAction = fetchTemplateFileActionWith();
