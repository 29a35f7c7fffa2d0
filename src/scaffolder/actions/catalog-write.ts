/** catalog:write — writes an entity as YAML into the workspace (default catalog-info.yaml). */
import { stringify } from 'yaml';
import { z } from 'zod';
import { createAction } from './types.js';

const schema = z
  .object({
    filePath: z.string().min(1).default('catalog-info.yaml'),
    entity: z.record(z.unknown()),
  })
  .strict();

export const catalogWriteAction = createAction({
  id: 'catalog:write',
  supportsDryRun: true,
  description: 'Writes a catalog entity into the workspace',
  schema,
  async handler(ctx) {
    await ctx.workspace.write(ctx.input.filePath, stringify(ctx.input.entity), { replace: true });
    ctx.logger.info(`Wrote ${ctx.input.filePath}`);
  },
});
