import { z } from 'zod';
import { list } from './fields.js';

export const syncEnv = z.object({
  /** Sources of scaffolder templates: like CATALOG_SOURCES, but trusted, so their Templates may run. */
  TEMPLATE_SOURCES: list('./templates'),
  /** Kinds a source may provide (comma list, any case); empty allows every kind. */
  CATALOG_ALLOWED_KINDS: list(''),
  /**
   * What happens to an entity no Location reaches any more: `keep` it, annotated
   * `backstage.io/orphan: 'true'` (Backstage's default), or `delete` it.
   */
  CATALOG_ORPHAN_STRATEGY: z.enum(['keep', 'delete']).default('keep'),
});
