/**
 * The js-yaml fast path must give exactly what the `yaml` package (Backstage's parser) gives, value
 * for value and line for line, or an identical error. Checked on hand-picked scalars that YAML 1.1
 * and js-yaml read differently, and on generated documents that mix them with arbitrary text in
 * every scalar style, nesting and multi-document layouts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReference, parseYamlDocuments, type YamlLimits } from '../../src/sync/yaml.js';

const limits: YamlLimits = { maxBytes: 1_000_000, maxDocuments: 50 };

function outcome(parse: () => unknown): unknown {
  try {
    return { value: parse() };
  } catch (e) {
    return { error: e instanceof Error ? { message: e.message, line: (e as { line?: number }).line } : String(e) };
  }
}

function same(text: string) {
  expect(outcome(() => parseYamlDocuments(text, limits)), text).toEqual(outcome(() => parseReference(text, limits)));
}

const TRICKY = [
  '0b101', '+0x1F', '-0x1F', '-0o17', '0o17', '0x1F', '0x1f', '0X1F', '1_000', '1_000.5', '-.5', '.5', '+.5', '5.', '+.inf', '-.Inf', '.NaN', '.nan', '.NAN',
  '1e3', '1E3', '-1e-3', '1.5e+3', '-0', '+0', '007', '08', '0o8', '12', '-12', '+12', '9007199254740993', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'No',
  'on', 'OFF', 'y', 'n', '~', 'null', 'Null', 'NULL', 'nULL', '', '2020-01-01', '2001-12-14t21:59:43.10-05:00', '12:30:00', '1:20', '190:20:30', '0.1', '<<',
  '=', 'a b', 'a #b', 'a: b', '- a', '[a]', '{a: 1}', '"q"', "'q'", '|', '>', '%x', '@x', '`x', '!!timestamp 2020-01-01', '!!binary aGk=', '!x y', '&a x', '*a',
  '? x', 'a\tb', ' lead', 'trail ', 'π', '\u00e9t\u00e9', 'line\nnext', '\\n', '#', 'x#y', '---', '...',
];

const scalarText = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 }), fc.constantFrom('payments-api', 'team-a', 'production'));

/** A scalar written in one of YAML's styles, at an indentation. */
const scalar = fc.tuple(scalarText, fc.constantFrom('plain', 'plain', 'single', 'double', 'literal', 'folded')).map(([s, style]) => (indent: string) => {
  switch (style) {
    case 'single':
      return `'${s.replace(/'/g, "''")}'`;
    case 'double':
      return JSON.stringify(s);
    case 'literal':
    case 'folded':
      return `${style === 'literal' ? '|' : '>'}\n${s.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
    default:
      return s;
  }
});

type Render = (indent: string) => string;
const { node } = fc.letrec<{ node: Render; map: Render; seq: Render; flow: Render }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('seq'), tie('flow')),
  map: fc.array(fc.tuple(scalarText, tie('node')), { minLength: 1, maxLength: 4 }).map((pairs) => (indent: string) =>
    '\n' + pairs.map(([k, v]) => `${indent}  ${k}: ${v(`${indent}  `)}`).join('\n'),
  ),
  seq: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((items) => (indent: string) => '\n' + items.map((v) => `${indent}  - ${v(`${indent}    `)}`).join('\n')),
  flow: fc.array(scalarText, { maxLength: 3 }).map((items) => () => `[${items.join(', ')}]`),
}));

const document = fc.array(fc.tuple(scalarText, node, fc.boolean()), { minLength: 1, maxLength: 5 }).map((pairs) =>
  pairs.map(([k, v, comment]) => `${k}: ${v('')}${comment ? ' # note' : ''}`).join('\n'),
);
const stream = fc
  .tuple(fc.array(document, { minLength: 1, maxLength: 3 }), fc.constantFrom('---\n', '\n---\n', '\n--- # doc\n', '\n---\n# c\n\n'), fc.boolean())
  .map(([docs, sep, leading]) => `${leading ? '---\n' : ''}${docs.join(sep)}\n`);

describe('the js-yaml fast path agrees with yaml (YAML 1.2, as Backstage parses)', () => {
  it('on scalars YAML 1.1 and js-yaml read differently', () => {
    expect(parseYamlDocuments('a: 0b101\nb: +0x1F\nc: -0o17\nd: 1_000\ne: -.5\n', limits)[0]!.value).toEqual({ a: '0b101', b: '+0x1F', c: '-0o17', d: '1_000', e: -0.5 });
    expect(parseYamlDocuments('~: x\nd: !!timestamp 2020-01-01\n', limits)[0]!.value).toEqual({ '': 'x', d: '2020-01-01T00:00:00.000Z' });
    for (const s of TRICKY) {
      same(`v: ${s}\n`);
      same(`${s}: v\n`);
      same(`- ${s}\n- [${s}]\n`);
    }
  });

  it('on generated documents in every scalar style and layout', () => {
    fc.assert(fc.property(stream, same), { numRuns: 1500 });
  });
});
