/** fetch:plain — copies a folder (next to the template, or a remote tree URL) into the workspace as it is. */
import { readFile, lstat } from 'node:fs/promises';
import { z } from 'zod';
import { createAction } from './types.js';
import { withSource, type RemoteReader } from './source-folder.js';
import { walkTemplateDir } from './template-files.js';

const schema = z
  .object({
    url: z.string().min(1),
    targetPath: z.string().default('./'),
    replace: z.boolean().default(false),
  })
  .strict();

export function fetchPlainActionWith(remote?: RemoteReader) {
  return createAction({
  id: 'fetch:plain',
  supportsDryRun: true,
  description: 'Copies a folder next to the template into the workspace without rendering it',
  schema,
  async handler(ctx) {
    const { input, workspace } = ctx;
    const files = await withSource(ctx.templateDir, input.url, remote, workspace.limits, async (source) => {
      const { files } = await walkTemplateDir(source, workspace.limits);
      for (const file of files) {
        const destination = `${input.targetPath.replace(/\/+$/, '')}/${file.path}`;
        if (!input.replace && (await lstat(await workspace.resolve(destination)).catch(() => undefined))) continue;
        await workspace.write(destination, await readFile(file.full), { replace: input.replace, mode: file.mode });
      }
      return files;
    });
    ctx.logger.info(`Copied ${files.length} file(s) from ${input.url} into ${input.targetPath}`);
  },
});
}

/** Without a RemoteReader: paths next to the template only. */
export const fetchPlainAction = fetchPlainActionWith();
