/**
 * catalog:register — adds the new repository to the catalog as a source and syncs it at once,
 * through an injected registrar (the sync service). Outputs the ref of the entity it found.
 */
import { z } from 'zod';
import { createAction } from './types.js';

export interface CatalogRegistrar {
  /** Adds `target` (CATALOG_SOURCES syntax: a Git URL with optional `#branch`) and syncs it now. */
  register(target: string): Promise<{ entityRefs: string[] }>;
}

const schema = z
  .object({
    catalogInfoUrl: z.string().min(1).optional(),
    repoContentsUrl: z.string().min(1).optional(),
    catalogInfoPath: z.string().default('/catalog-info.yaml'),
    optional: z.boolean().default(false),
  })
  .strict()
  .refine((i) => (i.catalogInfoUrl === undefined) !== (i.repoContentsUrl === undefined), { message: 'give exactly one of catalogInfoUrl or repoContentsUrl' });

/**
 * The source to add: our own `<git url>#<branch>` as it is; a browsable `.../blob/<branch>/...` or
 * `.../tree/<branch>` URL (GitHub, GitLab) as its repository with `#<branch>`.
 */
export function registerTargetOf(url: string): string {
  const browsable = /^(https?:\/\/[^/]+\/.+?)\/(?:-\/)?(?:blob|tree)\/([^/#?]+)/.exec(url);
  if (browsable) return `${browsable[1]}#${browsable[2]}`;
  return url;
}

export function catalogRegisterAction(registrar: CatalogRegistrar) {
  return createAction({
    id: 'catalog:register',
    description: 'Adds the new repository to the catalog and syncs it at once',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const target = registerTargetOf(input.catalogInfoUrl ?? input.repoContentsUrl!);
      ctx.logger.info(`Registering ${target}`);
      let refs: string[];
      try {
        refs = (await registrar.register(target)).entityRefs;
      } catch (error) {
        if (input.optional) {
          ctx.logger.warn(`Could not register ${target}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        throw error;
      }
      const entityRef = refs.find((r) => !r.toLowerCase().startsWith('location:'));
      if (!entityRef) {
        if (input.optional) return;
        throw new Error(`no catalog entity was found in ${target} (looked for ${input.catalogInfoPath})`);
      }
      ctx.logger.info(`Registered ${entityRef}`);
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', target);
    },
  });
}
