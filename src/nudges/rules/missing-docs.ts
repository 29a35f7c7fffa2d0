import type { EntityRule, SnapshotEntity } from '../types.js';

const DOCUMENTED = new Set(['component', 'api', 'system']);
const DOCS_WORDS = /\b(docs?|documentation|runbook|handbook|wiki|readme)\b/i;

/** TechDocs, or a link that says it is documentation. */
export function hasDocs(e: SnapshotEntity): boolean {
  if (e.annotations['backstage.io/techdocs-ref']?.trim()) return true;
  return e.links.some((link) => DOCS_WORDS.test(`${link.type ?? ''} ${link.title ?? ''}`) || /\/docs?(\/|$)|readme/i.test(link.url ?? ''));
}

export const missingDocs: EntityRule = {
  id: 'missing-docs',
  title: 'Missing docs',
  severity: 9,
  applies: (e) => DOCUMENTED.has(e.kind),
  check: (e) => (hasDocs(e) ? undefined : 'has no docs (backstage.io/techdocs-ref or a docs link)'),
};
