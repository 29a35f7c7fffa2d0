/**
 * Links from an entity to where people read about it: its code repository
 * (`backstage.io/source-location`), its page in a Backstage instance (BACKSTAGE_URL) and its TechDocs
 * there (`backstage.io/techdocs-ref`). Also the reverse, for unfurling: a Backstage page URL -> ref.
 */
import { annotationsOf, safeUrl } from './entity-view.js';
import type { EntityRow } from './queries.js';

/** `url:https://github.com/acme/x/tree/main/` -> `https://github.com/acme/x/tree/main/`; other targets (`file:`) are not links. */
export function sourceLocationOf(row: EntityRow): string | undefined {
  const raw = annotationsOf(row)['backstage.io/source-location'];
  if (!raw) return undefined;
  return safeUrl(raw.startsWith('url:') ? raw.slice(4) : raw);
}

/** BACKSTAGE_URL without a trailing slash, or undefined when it is not an http(s) URL. */
export function backstageBase(url: string | undefined): string | undefined {
  const safe = safeUrl(url);
  return safe?.replace(/\/+$/, '');
}

function path(row: EntityRow): string {
  return [row.namespace, row.kind, row.name].map((p) => encodeURIComponent(p)).join('/');
}

/** The entity's page in Backstage: `<BACKSTAGE_URL>/catalog/<namespace>/<kind>/<name>`. */
export function backstagePageUrl(row: EntityRow, backstageUrl: string | undefined): string | undefined {
  const base = backstageBase(backstageUrl);
  return base ? `${base}/catalog/${path(row)}` : undefined;
}

/** The entity's TechDocs in Backstage, when it declares `backstage.io/techdocs-ref`. */
export function techDocsUrl(row: EntityRow, backstageUrl: string | undefined): string | undefined {
  const base = backstageBase(backstageUrl);
  if (!base || !annotationsOf(row)['backstage.io/techdocs-ref']) return undefined;
  return `${base}/docs/${path(row)}/`;
}

/**
 * The ref a Backstage entity URL names (`/catalog/<ns>/<kind>/<name>[/tab]` or `/docs/<ns>/<kind>/<name>`),
 * or undefined when the URL is not on BACKSTAGE_URL (same origin and under its path).
 */
export function refFromBackstageUrl(url: string, backstageUrl: string | undefined): string | undefined {
  const base = backstageBase(backstageUrl);
  if (!base) return undefined;
  let target: URL;
  let root: URL;
  try {
    target = new URL(url);
    root = new URL(base);
  } catch {
    return undefined;
  }
  if (target.origin !== root.origin) return undefined;
  const prefix = root.pathname.replace(/\/+$/, '');
  if (!target.pathname.startsWith(`${prefix}/`)) return undefined;
  const parts = target.pathname.slice(prefix.length + 1).split('/').filter(Boolean);
  if ((parts[0] !== 'catalog' && parts[0] !== 'docs') || parts.length < 4) return undefined;
  try {
    const [namespace, kind, name] = parts.slice(1, 4).map((p) => decodeURIComponent(p).toLowerCase());
    return `${kind}:${namespace}/${name}`;
  } catch {
    return undefined;
  }
}
