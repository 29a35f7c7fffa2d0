/**
 * What a search line means: free words (each matched by prefix, after stemming, anywhere in an
 * entity's document) and `field:value` filters that narrow for real (kind, type, owner, system,
 * tag, lifecycle). Pure, so the grammar is tested without a database.
 */

export const SEARCH_FILTERS = ['kind', 'type', 'owner', 'system', 'tag', 'lifecycle'] as const;
export type SearchFilter = (typeof SEARCH_FILTERS)[number];

export interface ParsedSearch {
  /** Words as typed (lower-cased), for showing and for exact-name ranking. */
  phrase: string;
  /** One term per word: letters and digits only, compounds joined ("e-mail" -> "email"). */
  terms: string[];
  filters: Partial<Record<SearchFilter, string>>;
}

/** Most words looked at: a pasted paragraph is not a query. */
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 40;

export function parseSearch(text: string): ParsedSearch {
  const filters: ParsedSearch['filters'] = {};
  const words: string[] = [];
  for (const raw of text.toLocaleLowerCase('en-US').slice(0, 500).split(/\s+/).filter(Boolean)) {
    const m = /^([a-z]+):(.+)$/.exec(raw);
    const key = m?.[1] === 'tags' ? 'tag' : m?.[1];
    if (m && (SEARCH_FILTERS as readonly string[]).includes(key!)) filters[key as SearchFilter] = m[2]!;
    else words.push(raw);
  }
  const terms = [...new Set(words.map((w) => w.replace(/[^\p{L}\p{N}]+/gu, '').slice(0, MAX_TERM_LENGTH)).filter(Boolean))].slice(0, MAX_TERMS);
  return { phrase: words.join(' '), terms, filters };
}

/**
 * The tsquery text of one term: a prefix match (`pay` finds `payments`), except for a single
 * letter, which would match half the catalog. Terms hold only letters and digits, so nothing in
 * them is tsquery syntax.
 */
export function termQuery(term: string, weights = ''): string {
  return term.length > 1 ? `${term}:*${weights}` : weights ? `${term}:${weights}` : term;
}

/** A term with its typo correction: either spelling counts. */
export function alternatives(term: string, correction: string | null | undefined, weights = ''): string {
  return correction && correction !== term ? `(${termQuery(term, weights)} | ${termQuery(correction, weights)})` : termQuery(term, weights);
}
