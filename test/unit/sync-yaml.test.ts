import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../src/sync/hash.js';
import { resolveInTree } from '../../src/sync/placeholders.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { YamlError, parseReference, parseYamlDocuments } from '../../src/sync/yaml.js';
import { BILLION_LAUGHS } from '../helpers/sync-fixtures.js';

const limits = { maxBytes: 10_000, maxDocuments: 3 };

function error(fn: () => unknown): YamlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof YamlError) return e;
    throw e;
  }
  throw new Error('expected a YamlError');
}

describe('bounded YAML', () => {
  it('returns every non-null document with its first line', () => {
    expect(parseYamlDocuments('a: 1\n---\n---\n# only a comment\n---\nb: 2\n', { ...limits, maxDocuments: 5 })).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { b: 2 }, line: 6 },
    ]);
  });

  it('stops a billion-laughs document at the alias limit', () => {
    expect(error(() => parseYamlDocuments(BILLION_LAUGHS, limits)).message).toMatch(/aliases expand too much/);
  });

  it('bounds the size and the number of documents', () => {
    expect(error(() => parseYamlDocuments(`a: "${'x'.repeat(10_001)}"`, limits)).message).toMatch(/MAX_FILE_BYTES/);
    expect(error(() => parseYamlDocuments('a: 1\n---\nb: 1\n---\nc: 1\n---\nd: 1\n', limits)).message).toMatch(/4 YAML documents, more than the limit of 3/);
  });

  it('reports syntax errors and duplicate keys with their line', () => {
    expect(error(() => parseYamlDocuments('a: 1\nb: 2\na: 3\n', limits))).toMatchObject({ line: 3, message: 'YAML error: Map keys must be unique' });
  });
});

describe('the js-yaml fast path', () => {
  it("gives the yaml package's values and lines for every conformance file", () => {
    const root = join(import.meta.dirname, '../fixtures/conformance');
    // Template skeletons are Nunjucks/cookiecutter text, YAML only after rendering.
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f) && !f.includes('content/') && !f.includes('skeleton/'));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(parseYamlDocuments(text, { maxBytes: 1e7, maxDocuments: 1000 }), file).toEqual(parseReference(text, { maxBytes: 1e7, maxDocuments: 1000 }));
    }
    const tricky = '# leading comment\n\nkind: A\ndate: 2024-01-01\nflag: yes\n---\n\n# c\nkind: B\n---\n';
    expect(parseYamlDocuments(tricky, limits)).toEqual(parseReference(tricky, limits));
  });
});

describe('content hash and placeholder paths', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
  });

  it('keeps placeholders inside the tree', () => {
    expect(resolveInTree('apis/x.yaml', './spec/openapi.yaml', '$text')).toBe('apis/spec/openapi.yaml');
    expect(resolveInTree('apis/x.yaml', '../shared.yaml', '$text')).toBe('shared.yaml');
    expect(() => resolveInTree('apis/x.yaml', '../../etc/passwd', '$text')).toThrow(/outside this source's tree/);
    expect(() => resolveInTree('x.yaml', '/etc/passwd', '$text')).toThrow(/outside this source/);
    expect(() => resolveInTree('x.yaml', 'https://github.com/other/repo/blob/main/a.yaml', '$text')).toThrow(/outside this source/);
  });
});
