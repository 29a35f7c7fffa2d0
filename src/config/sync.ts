import { z } from 'zod';
import { list } from './fields.js';
import { sourceList } from './sources.js';

export const syncEnv = z.object({
  /** Sources of scaffolder templates: like CATALOG_SOURCES, but trusted, so their Templates may run. */
  TEMPLATE_SOURCES: sourceList('./templates'),
  /** Kinds a source may provide (comma list, any case); empty allows every kind. */
  CATALOG_ALLOWED_KINDS: list(''),
});
