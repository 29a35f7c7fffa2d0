/**
 * An existing Backstage as a source (`backstage:https://backstage.example.com`): every entity of
 * its catalog, read through its API. Each sync pages through `by-query` asking only for refs and
 * etags, compares them with the etags remembered from last time, and fetches (`by-refs`) only the
 * entities whose etag changed. Deletion needs proof: the listing must have been paged to its end
 * (an interrupted paging throws, so the sync fails and keeps everything), and an entity missing from
 * it is asked for by ref once more, since a page can shift while entities change under the cursor.
 */
import { createHash } from 'node:crypto';
import type { BackstageClient, BackstageEntity } from '../../backstage/client.js';
import type { Logger } from '../../logger.js';
import { backstageRecord, listedRef } from '../backstage-records.js';
import type { ExternalReadOptions, ExternalReadResult, ExternalSnapshot } from '../external.js';
import type { Problem, SourceDriver } from '../types.js';

export interface BackstageSourceSpec {
  /** The Backstage's root URL, without a trailing slash. */
  baseUrl: string;
  host: string;
}

export interface BackstageDriverOptions {
  /** As configured: `backstage:<url>`. */
  source: string;
  client: (baseUrl: string) => BackstageClient;
  /** Hosts a Backstage source may be on (GIT_ALLOWED_HOSTS): the host must be listed by configuration. */
  allowedHosts: readonly string[];
  logger: Logger;
  pageSize?: number;
  /** Refs per `by-refs` request. */
  batchSize?: number;
  /** Pages before the listing is given up as endless (a cursor that never ends). */
  maxPages?: number;
}

interface BackstageState {
  v: 1;
  base: string;
  /** ref -> Backstage's metadata.etag when last read. */
  etags: Record<string, string>;
}

const LISTING_FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'metadata.etag'];

export function parseBackstageSource(source: string): BackstageSourceSpec {
  const match = /^backstage:(.+)$/i.exec(source.trim());
  if (!match) throw new Error(`"${source}" is not a Backstage source; expected backstage:https://<host>`);
  let url: URL;
  try {
    url = new URL(match[1]!.trim());
  } catch {
    throw new Error(`"${source}": "${match[1]}" is not a URL; expected backstage:https://<host>`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${source}": only https:// (or http://) Backstage URLs are read`);
  if (url.username || url.password) throw new Error(`"${source}": put the token in BACKSTAGE_TOKEN, not in the URL`);
  if (url.search || url.hash) throw new Error(`"${source}": the URL takes no query or fragment`);
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '') };
}

export function backstageSourceId(spec: BackstageSourceSpec): string {
  return `backstage:${spec.baseUrl}`;
}

function readState(state: Record<string, unknown> | null, base: string): BackstageState | undefined {
  const s = state as Partial<BackstageState> | null;
  if (!s || s.v !== 1 || s.base !== base || typeof s.etags !== 'object' || s.etags === null) return undefined;
  return s as BackstageState;
}

function revisionOf(etags: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const ref of Object.keys(etags).sort()) hash.update(`${ref} ${etags[ref]}\n`);
  return hash.digest('hex');
}

export function backstageDriver(options: BackstageDriverOptions): SourceDriver {
  const spec = parseBackstageSource(options.source);
  const id = backstageSourceId(spec);
  const pageSize = options.pageSize ?? 500;
  const batchSize = options.batchSize ?? 200;
  const maxPages = options.maxPages ?? 10_000;
  const log = options.logger.child({ source: id });

  /** Every ref and etag, paged to the end; throws when the paging cannot be completed. */
  async function listing(client: BackstageClient, problems: Problem[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= maxPages) throw new Error(`the listing of ${spec.baseUrl} did not end after ${maxPages} pages of ${pageSize}`);
      const result = await client.queryPage({ limit: pageSize, fields: LISTING_FIELDS, ...(cursor ? { cursor } : {}) });
      for (const item of result.items) {
        const ref = item ? listedRef(item) : undefined;
        if (!ref) {
          problems.push({ filePath: '', message: `${spec.baseUrl} listed an entity without kind or name; it is skipped` });
          continue;
        }
        // Without an etag every read counts as a change: correct, only slower.
        out.set(ref, typeof item.metadata.etag === 'string' && item.metadata.etag ? item.metadata.etag : `none:${Math.random()}`);
      }
      if (!result.nextCursor) return out;
      if (cursors.has(result.nextCursor)) throw new Error(`the listing of ${spec.baseUrl} returned a cursor it had returned before`);
      cursors.add(result.nextCursor);
      cursor = result.nextCursor;
    }
  }

  /** Entities by ref in batches; `null` for those Backstage says it does not have. */
  async function fetchByRefs(client: BackstageClient, refs: string[], each: (ref: string, entity: BackstageEntity | null) => Promise<void>) {
    for (let i = 0; i < refs.length; i += batchSize) {
      const part = refs.slice(i, i + batchSize);
      const items = await client.byRefs(part);
      for (let j = 0; j < part.length; j++) await each(part[j]!, items[j] ?? null);
    }
  }

  return {
    id,
    kind: 'backstage',
    target: options.source.trim(),
    async snapshot(lastRevision, state): Promise<ExternalSnapshot | null> {
      if (!options.allowedHosts.includes(spec.host)) {
        throw new Error(`${spec.host} is not an allowed host (allowed: ${options.allowedHosts.join(', ') || 'none'}); add it to GIT_ALLOWED_HOSTS to read this Backstage`);
      }
      const client = options.client(spec.baseUrl);
      const previous = lastRevision === null ? undefined : readState(state, spec.baseUrl);
      const listingProblems: Problem[] = [];
      const listed = await listing(client, listingProblems);
      const changed = [...listed].filter(([ref, etag]) => previous?.etags[ref] !== etag).map(([ref]) => ref);
      const missing = previous ? Object.keys(previous.etags).filter((ref) => !listed.has(ref)) : [];
      // Proof of a deletion: Backstage answers null for the ref itself, not just a page without it.
      const gone: string[] = [];
      await fetchByRefs(client, missing, async (ref, entity) => {
        if (entity === null) gone.push(ref);
        else {
          listed.set(ref, entity.metadata.etag ?? `none:${Math.random()}`);
          changed.push(ref);
        }
      });
      const etags = Object.fromEntries(listed);
      if (previous && lastRevision === revisionOf(previous.etags) && !changed.length && !gone.length) return null;
      log.info({ entities: listed.size, changed: changed.length, removed: gone.length }, 'Backstage catalog listed');

      const inScope = new Set([...changed, ...gone]);
      return {
        revision: revisionOf(etags),
        trees: [],
        state: { v: 1, base: spec.baseUrl, etags } satisfies BackstageState,
        // Unchanged etags: kept as stored. Without a previous listing everything is read.
        ...(previous ? { onlyFiles: [...inScope], preserve: (filePath: string) => !inScope.has(filePath) } : {}),
        async readRecords(opts: ExternalReadOptions): Promise<ExternalReadResult> {
          const result: ExternalReadResult = { problems: [...listingProblems], failedFiles: new Set(), filesRead: new Set(gone) };
          const allowed = opts.allowedKinds ? new Set(opts.allowedKinds.map((k) => k.toLowerCase())) : undefined;
          const fail = (ref: string, message: string) => {
            result.problems.push({ filePath: ref, entityRef: ref, message });
            result.failedFiles.add(ref);
          };
          await fetchByRefs(client, changed, async (ref, entity) => {
            result.filesRead.add(ref);
            // Deleted between the listing and now: Backstage's own answer is the proof.
            if (entity === null) return;
            const kind = String(entity.kind ?? '');
            if (allowed && !allowed.has(kind.toLowerCase())) return fail(ref, `${ref} is not of an allowed kind (CATALOG_ALLOWED_KINDS: ${[...allowed].join(', ')})`);
            if (opts.kindRule && !opts.kindRule.allows(kind)) return fail(ref, `${ref} is not of an allowed kind (${opts.kindRule.describe})`);
            const outcome = await backstageRecord(entity, ref);
            if ('error' in outcome) return fail(ref, `${outcome.error} (read from ${spec.baseUrl})`);
            if (outcome.record.ref !== ref) return fail(ref, `${spec.baseUrl} answered ${outcome.record.ref} when asked for ${ref}`);
            await opts.onRecords([outcome.record], false);
          });
          return result;
        },
      };
    },
  };
}
