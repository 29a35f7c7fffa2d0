import { z } from 'zod';
import { bool, duration, optionalString, port } from './fields.js';
import { sourceList } from './sources.js';

export const coreEnv = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'expected a postgres:// or postgresql:// URL',
  }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./.data'),
  /**
   * Set (1) where DATA_DIR/repos is a persistent volume (the Helm chart sets it when it mounts one):
   * only then, or on the embedded database, does publish:git host new repositories (hosted-repos.ts).
   */
  CALLSHEET_REPOS_VOLUME: bool(false),
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the catalog is read from (see sources.ts for the forms and `?kinds=`). */
  CATALOG_SOURCES: sourceList('./catalog'),
  SYNC_INTERVAL: duration('5m'),
  /** Entities whose catalog file has not changed for this long (and were not confirmed) are stale. */
  STALE_AFTER_DAYS: z.coerce.number().int().min(1).default(180),
  /**
   * Largest catalog file read, in bytes, and most documents in one file. Real organisation files
   * (every User and Group of a company in one generated file, as Backstage reads them) run to
   * thousands of documents and megabytes; what protects the parser is the alias and nesting limits
   * (yaml.ts), which stay strict whatever these are.
   */
  MAX_FILE_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  MAX_DOCUMENTS_PER_FILE: z.coerce.number().int().min(1).default(20_000),
  /** Who the shell and `callsheet ask` act as (an email or a catalog User ref), for "my teams" and templates. */
  CALLSHEET_USER: optionalString,
  /** A Backstage instance showing this catalog: answers link to entity pages and TechDocs there, and its entity URLs unfurl. */
  BACKSTAGE_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^/\s]+/i.test(v), { message: 'expected an http(s) URL, e.g. https://backstage.example.com' }),
  /** Name of this replica in leases and logs; defaults to host name and pid. */
  INSTANCE_ID: optionalString,
  /** Where the embedded database's initialised template is kept (empty turns it off); read by src/db/pglite-template.ts. */
  PGLITE_TEMPLATE_DIR: z.string().optional(),
});
