/**
 * Random mutations of a catalog repository for the differential test against Backstage: names,
 * refs, kinds, placeholders, Location targets, YAML scalars and broken documents. Each mutation
 * edits one file of an in-memory repository (path -> content; null is a directory).
 */
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';

export type Files = Map<string, string | null>;
type Doc = Record<string, unknown> & { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

const NAMES = ['payments-api', 'team-a', 'x', 'Bad Name', 'a--b', '-lead', 'é', '0b101', 'a'.repeat(64), 'guest', 'artist-lookup', 'ok.name_1'];
const REFS = ['team-a', 'group:team-a', 'user:guest', 'component:default/artist-lookup', 'api:spotify', 'a:b:c', 'default/x', ':x', 'Group:Default/Team-A', 'system:examples'];
const KINDS = ['Component', 'API', 'Group', 'User', 'System', 'Domain', 'Resource', 'Location', 'Template', 'AiResource', 'component', 'Widget'];
const SCALARS = ['0b101', '+0x1F', '-0o17', '0o17', '0x1F', '1_000', '~', 'null', 'true', 'yes', '2024-01-01', '1e3', '.inf', "'quoted'", '"dq"', '!!str 12', '!!timestamp 2020-01-01', '""'];
const TARGETS = ['./missing.yaml', './dir', '../../elsewhere.yaml', '../outside.yaml', 'https://github.com/other/repo/blob/main/x.yaml', './extra.yaml', './extra.yaml/', './child.cat', 'extra.json', './.git/config'];
const PLACEHOLDERS: unknown[] = [
  { $text: './README.md' }, { $text: './missing.md' }, { $text: './dir' }, { $text: 42 }, { $text: ['a'] }, { $json: './data.json' }, { $json: './README.md' },
  { $yaml: './empty.yaml' }, { $yaml: './value.yaml' }, { $yaml: './two.yaml' }, { $yaml: true }, { $text: './.git/config' }, { $text: '../x.md' },
  { $ref: './x' }, { $text: './README.md', other: 1 }, { $unknown: { $text: './README.md' } },
];

/** Files every generated repository has next to the catalog, for placeholders and targets. */
export const SUPPORT: [string, string | null][] = [
  ['README.md', '# readme\n'],
  ['data.json', '{"a": [1, 2]}'],
  ['empty.yaml', ''],
  ['value.yaml', 'a: 0b101\nb: [1, 2]\n'],
  ['two.yaml', 'a: 1\n---\nb: 2\n'],
  ['dir', null],
  ['.git/config', '[remote "origin"]\n  url = https://user:secret-token@example.com/r.git\n'],
  ['extra.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: extra\nspec:\n  type: team\n  children: []\n'],
  ['child.cat', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: from-cat\nspec:\n  type: team\n  children: []\n'],
  ['extra.json', '{"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "from-json"}, "spec": {"type": "team", "children": []}}'],
];

type Edit = (doc: Doc) => void;
const edit = {
  name: fc.constantFrom(...NAMES).map((n): Edit => (d) => void (d.metadata && (d.metadata.name = n))),
  namespace: fc.constantFrom('default', 'other', 'Bad NS').map((n): Edit => (d) => void (d.metadata && (d.metadata.namespace = n))),
  kind: fc.constantFrom(...KINDS).map((k): Edit => (d) => void (d.kind = k)),
  ref: fc.tuple(fc.constantFrom('owner', 'system', 'dependsOn', 'memberOf', 'providesApis', 'parent', 'domain'), fc.constantFrom(...REFS), fc.boolean()).map(
    ([field, ref, list]): Edit => (d) => void (d.spec && (d.spec[field] = list ? [ref] : ref)),
  ),
  placeholder: fc.tuple(fc.constantFrom('description', 'spec.definition', 'spec.profile', 'metadata.labels'), fc.constantFrom(...PLACEHOLDERS)).map(([at, value]): Edit => (d) => {
    if (at === 'description' && d.metadata) d.metadata.description = value;
    else if (at === 'metadata.labels' && d.metadata) d.metadata.labels = { note: value };
    else if (d.spec) d.spec[at.slice(5)] = value;
  }),
  location: fc.tuple(fc.subarray(TARGETS, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 'url', 'file', 'github-discovery'), fc.constantFrom(undefined, 'optional', 'required')).map(
    ([targets, type, presence]): Edit => (d) => {
      d.apiVersion = 'backstage.io/v1alpha1';
      d.kind = 'Location';
      d.spec = { targets, ...(type ? { type } : {}), ...(presence ? { presence } : {}) };
    },
  ),
};

/** One edit of one document, applied to the YAML of a file (re-serialised by the yaml package). */
const objectMutation = fc.tuple(fc.nat(), fc.nat(), fc.oneof(...Object.values(edit))).map(([f, d, change]) => (files: Files, catalog: string[]) => {
  const path = catalog[f % catalog.length]!;
  const docs = parseAllDocuments(files.get(path) ?? '').map((x) => x.toJS() as Doc);
  const doc = docs.filter((x) => x && typeof x === 'object')[d % Math.max(1, docs.length)];
  if (!doc) return;
  change(doc);
  files.set(path, docs.map((x) => stringify(x)).join('---\n'));
});

/** A text edit: a tricky scalar into a value, a broken or non-object document, a new document. */
const textMutation = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('scalar', 'broken', 'list', 'string', 'null'), fc.constantFrom(...SCALARS)).map(
  ([f, l, how, scalar]) => (files: Files, catalog: string[]) => {
    const path = catalog[f % catalog.length]!;
    const text = files.get(path) ?? '';
    if (how === 'scalar') {
      const lines = text.split('\n');
      const candidates = lines.map((line, i) => (/^\s+\w[\w-]*: [^\s{[|>]/.test(line) ? i : -1)).filter((i) => i >= 0);
      if (!candidates.length) return;
      const i = candidates[l % candidates.length]!;
      lines[i] = lines[i]!.replace(/: .*$/, `: ${scalar}`);
      files.set(path, lines.join('\n'));
    } else {
      const extra = { broken: 'kind: [unclosed\n', list: '- a\n- b\n', string: 'just text\n', null: '~\n' }[how];
      files.set(path, `${text.replace(/\n*$/, '\n')}---\n${extra}`);
    }
  },
);

export const mutation = fc.oneof({ weight: 3, arbitrary: objectMutation }, { weight: 1, arbitrary: textMutation });
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
