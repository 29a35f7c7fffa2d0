/**
 * CATALOG_SOURCES, TEMPLATE_SOURCES and ORG_SOURCES items, parsed in one place: a folder path, a Git
 * URL (`https://`, `http://`, `ssh://`, `git://`, `file://`, `git@host:path`, optional `#branch`), or
 * `github:<org>[/<repo-glob>][?path=<file>]` / `gitlab:<group>[/...]`; any of them may end in
 * `?kinds=User,Group` (the kinds it may declare). Items are comma-separated; the commas inside a
 * `kinds=` list are told apart because a kind name follows them.
 */
import { z } from 'zod';
import { parseGithubSource } from '../github/source-spec.js';
import { parseGitlabOrgSource, parseGitlabSource } from '../gitlab/source-spec.js';
import { kindRuleOf, mayDefinePeople, type KindRule, type SourceType } from '../trust/source-rules.js';

export interface SourceItem {
  /** As written. */
  raw: string;
  /** What the driver reads: the item without its `kinds=` option. */
  spec: string;
  type: SourceType;
  /** Kinds from `?kinds=`; undefined: the default for its type. */
  kinds?: string[];
  rule: KindRule;
}

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const KIND_CONTINUES = /^[A-Za-z][A-Za-z0-9]*(?:[&#].*)?$/;
const PATH_CONTINUES = /^[^:\s,&#]*(?:\.ya?ml|\*[^:\s,&#]*)(?:[&#].*)?$/i;
const KINDS_PARAM = /([?&])kinds=([^&#]*)/i;
const GIT_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file']);

export class SourceItemError extends Error {}

/** Splits a comma list of items, keeping `?kinds=User,Group` inside its item. Empty items stay (and are errors). */
export function splitSourceItems(value: string): string[] {
  if (value.trim() === '') return [];
  const items: string[] = [];
  for (const piece of value.split(',')) {
    const last = items.at(-1);
    // `Group`, `Group&path=x` or `Group#main` right after `kinds=...` continues that list.
    if (last !== undefined && /[?&]kinds=[^&#]*$/i.test(last) && KIND_CONTINUES.test(piece.trim())) items[items.length - 1] = `${last},${piece.trim()}`;
    // `github:acme?path=a.yaml,b.yaml`: a catalog file or glob (no scheme) after a path= list continues it.
    else if (last !== undefined && /^(github|gitlab):[^?]*\?(?:[^#]*&)?path=[^&#]*$/i.test(last) && PATH_CONTINUES.test(piece.trim())) items[items.length - 1] = `${last},${piece.trim()}`;
    else items.push(piece.trim());
  }
  return items;
}

function typeOf(spec: string): SourceType {
  if (/^backstage:/i.test(spec)) {
    if (!/^backstage:https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i.test(spec)) throw new SourceItemError('expected backstage:https://<host>[/<path>] (the token goes in BACKSTAGE_TOKEN)');
    return 'backstage';
  }
  if (/^github:/i.test(spec)) {
    parseGithubSource(spec);
    return 'github';
  }
  if (/^gitlab-org:/i.test(spec)) {
    parseGitlabOrgSource(spec);
    return 'gitlab-org';
  }
  if (/^gitlab:/i.test(spec)) {
    parseGitlabSource(spec);
    return 'gitlab';
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (scheme) {
    if (!GIT_SCHEMES.has(scheme[1]!.toLowerCase())) throw new SourceItemError(`"${scheme[1]}://" is not a supported source; expected a folder path, a Git URL (https://, ssh://, git://, file://, git@host:path) or github:<org>`);
    let url: URL;
    try {
      url = new URL(spec.replace(/#.*$/, ''));
    } catch {
      throw new SourceItemError('is not a valid URL');
    }
    if (url.protocol !== 'file:' && !url.hostname) throw new SourceItemError('names no host');
    return 'git';
  }
  if (/^[\w.-]+@[\w.-]+:/.test(spec)) return 'git';
  // `name:` (two letters or more) is a scheme we do not read, not a folder; `C:\...` is a folder.
  const other = /^([a-z][a-z0-9+.-]+):/i.exec(spec);
  if (other) throw new SourceItemError(`"${other[1]}:" is not a supported source; expected a folder path, a Git URL or github:<org>`);
  return 'folder';
}

/** One item; throws SourceItemError saying what is wrong with it. */
export function parseSourceItem(raw: string): SourceItem {
  const text = raw.trim();
  if (!text) throw new SourceItemError('is empty');
  let spec = text;
  let kinds: string[] | undefined;
  const found = KINDS_PARAM.exec(text);
  if (found) {
    kinds = found[2]!.split(',').map((k) => k.trim());
    if (kinds.some((k) => !KIND.test(k))) throw new SourceItemError(`kinds=${found[2]} must list kind names (kinds=User,Group)`);
    // Drop the option, keeping the rest of the query (`?path=`) and the `#branch`.
    spec = (text.slice(0, found.index) + (found[1] === '?' ? '?' : '&') + text.slice(found.index + found[0].length)).replace(/\?&/, '?').replace(/[?&](?=#|$)/, '');
    if (KINDS_PARAM.test(spec)) throw new SourceItemError('kinds= is given twice');
  }
  let type: SourceType;
  try {
    type = typeOf(spec);
  } catch (e) {
    throw new SourceItemError((e as Error).message);
  }
  return { raw: text, spec, type, ...(kinds ? { kinds } : {}), rule: kindRuleOf({ type, spec, ...(kinds ? { kinds } : {}) }) };
}

/** The env field: the items as written, each validated (the sync parses them again with parseSourceItem). */
export const sourceList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const items = splitSourceItems(value);
      items.forEach((item, i) => {
        try {
          parseSourceItem(item);
        } catch (e) {
          const what = item ? `"${item}"` : '(empty: two commas in a row, or a comma at the start or end)';
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `item ${i + 1} ${what} ${(e as Error).message}` });
        }
      });
      return items;
    });

/** The key two items of the same source share (ORG_SOURCES names a source the way its item reads). */
export function sourceKey(spec: string): string {
  return spec.trim().replace(/\/+$/, '');
}

export interface OrgConfig {
  CATALOG_SOURCES: string[];
  TEMPLATE_SOURCES: string[];
  /** Undefined: every configured source allowed to declare User or Group. */
  ORG_SOURCES?: string[];
}

/** Keys (sourceKey of the spec) of the sources people, groups and membership are read from. */
export function orgSourceKeys(config: OrgConfig): Set<string> {
  const items = [...config.CATALOG_SOURCES, ...config.TEMPLATE_SOURCES].map(parseSourceItem);
  if (config.ORG_SOURCES === undefined) return new Set(items.filter((i) => mayDefinePeople(i.rule)).map((i) => sourceKey(i.spec)));
  return new Set(config.ORG_SOURCES.map((s) => sourceKey(parseSourceItem(s).spec)));
}

/** Start-up check: each ORG_SOURCES item is a configured source that may declare User or Group. */
export function orgSourcesProblems(config: OrgConfig): string[] {
  if (config.ORG_SOURCES === undefined) return [];
  const configured = new Map<string, SourceItem[]>();
  for (const raw of [...config.CATALOG_SOURCES, ...config.TEMPLATE_SOURCES]) {
    const item = parseSourceItem(raw);
    configured.set(sourceKey(item.spec), [...(configured.get(sourceKey(item.spec)) ?? []), item]);
  }
  const problems: string[] = [];
  for (const raw of config.ORG_SOURCES) {
    const item = parseSourceItem(raw);
    if (item.kinds) problems.push(`ORG_SOURCES: "${raw}": give ?kinds= on its CATALOG_SOURCES item, not here`);
    const same = configured.get(sourceKey(item.spec));
    if (!same) problems.push(`ORG_SOURCES: "${raw}" is not one of CATALOG_SOURCES or TEMPLATE_SOURCES`);
    else if (!same.some((s) => mayDefinePeople(s.rule))) problems.push(`ORG_SOURCES: "${raw}" may not declare User or Group (add ?kinds=User,Group to its CATALOG_SOURCES item)`);
  }
  return problems;
}
