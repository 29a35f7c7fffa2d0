/**
 * A template's skeleton is not catalog data: its `catalog-info.yaml` holds `${{ values.name }}` and
 * is filled in only when the template runs. When a source is scanned (every YAML file is an entry
 * point), the folders and files that a Template's fetch steps copy (`url: ./skeleton`) are left out,
 * so they are neither reported as problems nor read as entities. Templates themselves always stay.
 */
import { posix } from 'node:path';
import type { Tree } from './types.js';
import { checkSize, parseYamlDocuments, type YamlLimits } from './yaml.js';

const TEMPLATE_KIND = /^kind:\s*["']?Template["']?\s*$/m;
const FETCH_ACTION = /^fetch:(template|plain|template:file|plain:file|cookiecutter)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Folders (or files) relative to the tree that a Template document's fetch steps read from. */
export function skeletonPaths(templatePath: string, doc: unknown): string[] {
  if (!isObject(doc) || doc.kind !== 'Template' || !isObject(doc.spec) || !Array.isArray(doc.spec.steps)) return [];
  const dir = posix.dirname(templatePath);
  const out: string[] = [];
  for (const step of doc.spec.steps) {
    if (!isObject(step) || typeof step.action !== 'string' || !FETCH_ACTION.test(step.action) || !isObject(step.input)) continue;
    const url = step.input.url;
    // Remote skeletons (https://...) and rendered urls are not files of this tree.
    if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.includes('${{') || posix.isAbsolute(url)) continue;
    const path = posix.normalize(posix.join(dir, url));
    if (path.startsWith('..')) continue;
    out.push(path === '.' ? '' : path.replace(/\/$/, ''));
  }
  return out;
}

const under = (path: string, folder: string) => folder === '' || path === folder || path.startsWith(`${folder}/`);

/** The entry points without skeleton files (a Template file is never dropped). */
export async function withoutSkeletons(tree: Tree, entries: string[], limits: YamlLimits): Promise<string[]> {
  const skeletons: string[] = [];
  const templates = new Set<string>();
  for (const entry of entries) {
    if (!/(^|\/)[^/]*\.ya?ml$/i.test(entry)) continue;
    let text: string | undefined;
    try {
      const size = await tree.size?.(entry);
      if (size !== undefined) checkSize(size, limits);
      text = await tree.read(entry);
    } catch {
      continue; // The reader reports it properly.
    }
    if (!text || !TEMPLATE_KIND.test(text)) continue;
    let docs;
    try {
      docs = parseYamlDocuments(text, limits);
    } catch {
      continue;
    }
    const found = docs.flatMap((d) => skeletonPaths(entry, d.value));
    if (docs.some((d) => isObject(d.value) && d.value.kind === 'Template')) templates.add(entry);
    skeletons.push(...found);
  }
  if (skeletons.length === 0) return entries;
  return entries.filter((e) => templates.has(e) || !skeletons.some((s) => under(e, s)));
}
