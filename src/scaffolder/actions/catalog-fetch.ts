/** catalog:fetch — reads entities from the catalog by ref, with Backstage's inputs and outputs (`entity`, `entities`). */
import { z } from 'zod';
import { createAction } from './types.js';

export interface CatalogReader {
  /** The entities for canonical refs, in order; undefined where there is none. */
  byRefs(refs: string[]): Promise<(Record<string, unknown> | undefined)[]>;
}

const schema = z
  .object({
    entityRef: z.string().min(1).optional(),
    entityRefs: z.array(z.string().min(1)).max(1000).optional(),
    optional: z.boolean().default(false),
    defaultKind: z.string().optional(),
    defaultNamespace: z.string().optional(),
  })
  .strict()
  .refine((i) => (i.entityRef === undefined) !== (i.entityRefs === undefined), { message: 'give exactly one of entityRef or entityRefs' });

function canonical(ref: string, kind?: string, namespace?: string): string {
  const m = /^(?:([^:/]+):)?(?:([^/]+)\/)?([^/]+)$/.exec(ref.trim());
  if (!m || !(m[1] ?? kind)) throw new Error(`catalog:fetch: ${ref} is not an entity ref${m ? ' (no kind, and no defaultKind)' : ''}`);
  return `${(m[1] ?? kind)!.toLowerCase()}:${(m[2] ?? namespace ?? 'default').toLowerCase()}/${m[3].toLowerCase()}`;
}

export function catalogFetchAction(reader: CatalogReader) {
  return createAction({
    id: 'catalog:fetch',
    description: 'Returns entities from the catalog by ref',
    schema,
    supportsDryRun: true,
    async handler(ctx) {
      const { input } = ctx;
      const refs = (input.entityRefs ?? [input.entityRef!]).map((r) => canonical(r, input.defaultKind, input.defaultNamespace));
      const found = await reader.byRefs(refs);
      const missing = refs.filter((_, i) => !found[i]);
      if (missing.length && !input.optional) throw new Error(`Entit${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} not found`);
      if (input.entityRef !== undefined) ctx.output('entity', found[0] ?? null);
      else ctx.output('entities', found.map((e) => e ?? null));
    },
  });
}
