/** debug:log — writes a message (and optionally the workspace's files) to the step log. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { createAction } from './types.js';

const MAX_SHOWN = 10_000;

const schema = z
  .object({
    message: z.string().optional(),
    listWorkspace: z.union([z.boolean(), z.enum(['with-filenames', 'with-contents'])]).optional(),
  })
  .strict();

export const debugLogAction = createAction({
  id: 'debug:log',
  supportsDryRun: true,
  description: 'Writes a message or the workspace listing to the step log',
  schema,
  async handler(ctx) {
    if (ctx.input.message !== undefined) ctx.logger.info(ctx.input.message);
    if (!ctx.input.listWorkspace) return;
    const files = await ctx.workspace.list();
    ctx.logger.info(`Workspace:\n${files.map((f) => `  ${f}`).join('\n')}`);
    if (ctx.input.listWorkspace === 'with-contents') {
      for (const file of files) {
        const text = (await readFile(await ctx.workspace.resolve(file), 'utf8')).slice(0, MAX_SHOWN);
        ctx.logger.info(`${file}:\n${text}`);
      }
    }
  },
});
