import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { MAX_NESTING_DEPTH, parseYamlDocuments, YamlError, type YamlLimits } from '../../src/sync/yaml.js';
import { orgFile } from '../helpers/org-file.js';

const config = loadConfig({});
const defaults: YamlLimits = { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE };

function error(fn: () => unknown): YamlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof YamlError) return e;
    throw e;
  }
  throw new Error('expected a YamlError');
}

describe('catalog file limits: real organisation sizes by default (issue 15)', () => {
  it('defaults to 16 MiB and 20,000 documents per file', () => {
    expect(defaults).toEqual({ maxBytes: 16 * 1024 * 1024, maxDocuments: 20_000 });
  });

  it('reads an organisation file of 4,000 Users and Groups (1.3 MB) with the defaults', () => {
    const text = orgFile(4000, { pad: 90 });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_300_000);
    const docs = parseYamlDocuments(text, defaults);
    expect(docs).toHaveLength(4000);
    expect(docs.filter((d) => (d.value as { kind: string }).kind === 'Group')).toHaveLength(400);
  });

  it('reads a file at the limits (20,000 documents, just under 16 MiB) and names the setting one over each', () => {
    const atLimit = orgFile(20_000, { pad: 590 });
    const bytes = Buffer.byteLength(atLimit);
    expect(bytes).toBeGreaterThan(15 * 1024 * 1024);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(parseYamlDocuments(atLimit, defaults)).toHaveLength(20_000);

    expect(error(() => parseYamlDocuments(orgFile(20_001), defaults)).message).toMatch(/20001 YAML documents, more than the limit of 20000 \(MAX_DOCUMENTS_PER_FILE\)/);
    const over = `${atLimit}\n# ${'x'.repeat(16 * 1024 * 1024 - bytes)}`;
    expect(error(() => parseYamlDocuments(over, defaults)).message).toMatch(/larger than the limit of 16777216 bytes \(MAX_FILE_BYTES\)/);
  }, 120_000);

  it('keeps nesting depth strict whatever the size limits: flow, block, and a million brackets deep', () => {
    const flow = (n: number) => `a: ${'['.repeat(n)}1${']'.repeat(n)}\n`;
    expect(parseYamlDocuments(flow(MAX_NESTING_DEPTH - 1), defaults)).toHaveLength(1);
    expect(error(() => parseYamlDocuments(flow(MAX_NESTING_DEPTH + 1), defaults)).message).toMatch(/nests deeper than 64 levels/);
    expect(error(() => parseYamlDocuments(flow(1_000_000), defaults)).message).toMatch(/nests deeper than 64 levels/);

    const block = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(parseYamlDocuments(block(MAX_NESTING_DEPTH), defaults)).toHaveLength(1);
    const deep = error(() => parseYamlDocuments(block(MAX_NESTING_DEPTH + 1), defaults));
    expect(deep.message).toMatch(/nests deeper than 64 levels/);
    expect(deep.line).toBe(1);
  }, 120_000);

  it('keeps alias expansion strict with the larger defaults', () => {
    const lol = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    expect(error(() => parseYamlDocuments(`${lol.join('\n')}\n`, defaults)).message).toMatch(/aliases expand too much/);
  });
});
