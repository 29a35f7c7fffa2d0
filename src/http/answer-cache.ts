/**
 * Whole answers of GET /entities and /entities/by-query kept by request URL (path and query, as
 * sent), and of POST /entities/by-refs by URL and body, in their own bounded cache
 * (API_ANSWER_CACHE_MB). Such an answer is a function of its request and the catalog generation
 * alone (every token reads the same catalog), so a repeated query is one look-up and one write: no
 * query parsing, slicing, concatenation or hashing. Entries are tagged with the generation read
 * before the answer's data was, as in entity-cache.ts, so nothing built before a change is served
 * once this replica has heard of it.
 */
import type { Answer } from './catalog-answers.js';
import type { CatalogApiContext } from './catalog-api-context.js';

const ENTITIES = '/api/catalog/entities';

/** The route patterns Express labels these requests with, so /metrics shows one series per route. */
export const ROUTES = { entities: ENTITIES, byName: `${ENTITIES}/by-name/:kind/:namespace/:name`, byQuery: `${ENTITIES}/by-query`, byRefs: `${ENTITIES}/by-refs` };

export type Found = { answer: Answer; route: string };

const keyOf = (url: string) => `a:${url}`;

/** Bytes an answer holds (strings count two bytes a character; the cache adds the key and its own overhead). */
const sizeOf = (a: Answer) => a.body.length + (a.etag.length + (a.link?.length ?? 0)) * 2 + 64;

export const cachedAnswer = (ctx: CatalogApiContext, url: string): Found | undefined => ctx.answers.get<Found>(keyOf(url));

/** `generation`: ctx.answers.readGeneration() from before the answer's list and entities were read. */
export function rememberAnswer(ctx: CatalogApiContext, url: string, found: Found, generation: number | undefined): void {
  ctx.answers.put(keyOf(url), found, sizeOf(found.answer), generation);
}
