/**
 * Edits one entity in a catalog file's text, leaving everything else as it was: the other documents
 * of a multi-document file are kept byte for byte, and the edited document keeps its comments and
 * key order (the `yaml` package's Document API).
 */
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';

export interface EntityEdit {
  /** `spec.owner`, as written in the file (e.g. `team-payments` or `group:default/team-payments`). */
  owner?: string;
  description?: string;
  lifecycle?: string;
  system?: string;
  /** A TechDocs ref (`dir:.`, `url:...`), set as `backstage.io/techdocs-ref`; or a docs URL, added to `metadata.links`. */
  docs?: string;
}

export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLocaleLowerCase('en-US') : undefined);

function matches(doc: Document, target: EntityName): boolean {
  const json = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  return (
    lower(json?.kind) === lower(target.kind) &&
    lower(json?.metadata?.name) === lower(target.name) &&
    (lower(json?.metadata?.namespace) ?? 'default') === lower(target.namespace)
  );
}

function applyEdit(doc: Document, edit: EntityEdit): void {
  if (edit.owner !== undefined) doc.setIn(['spec', 'owner'], edit.owner);
  if (edit.lifecycle !== undefined) doc.setIn(['spec', 'lifecycle'], edit.lifecycle);
  if (edit.system !== undefined) doc.setIn(['spec', 'system'], edit.system);
  if (edit.description !== undefined) doc.setIn(['metadata', 'description'], edit.description);
  if (edit.docs !== undefined) {
    if (/^(dir|url):/.test(edit.docs)) doc.setIn(['metadata', 'annotations', 'backstage.io/techdocs-ref'], edit.docs);
    else {
      const links = doc.getIn(['metadata', 'links']);
      const link = doc.createNode({ url: edit.docs, title: 'Documentation', type: 'docs' });
      if (isSeq(links)) links.add(link);
      else doc.setIn(['metadata', 'links'], doc.createNode([{ url: edit.docs, title: 'Documentation', type: 'docs' }]));
    }
  }
}

/** The file's new text. Throws when the file does not parse or holds no such entity. */
export function editEntityYaml(text: string, target: EntityName, edit: EntityEdit): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('the file holds no YAML documents');
  const index = docs.findIndex((d) => matches(d, target));
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new Error(`the file does not parse: ${broken.errors[0].message}`);
  if (index < 0) throw new Error(`the file holds no ${target.kind} ${target.namespace}/${target.name}`);
  const doc = docs[index];
  if (!isMap(doc.contents)) throw new Error(`${target.name} is not a YAML mapping`);
  applyEdit(doc, edit);
  const start = index === 0 ? 0 : docs[index - 1].range[2];
  const end = doc.range[2];
  return text.slice(0, start) + doc.toString() + text.slice(end);
}
