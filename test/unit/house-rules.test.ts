/**
 * The house rules of DESIGN.md, checked on every run so a change cannot quietly break them:
 * small files, no import cycles, imports pointing down only, and a core free of chat and MCP SDKs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const folders = ['src', 'adapters', 'bench', 'test', 'scripts', 'bin'];
const sdkPattern = /^(@slack\/|botbuilder|botframework-|@modelcontextprotocol\/|adaptivecards)/;

function walk(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path.includes(join('test', 'fixtures')) || path.includes(join('faults', 'fixtures'))) continue;
      out = out.concat(walk(path));
    } else if (/\.(ts|mts|mjs|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}

const files = folders.flatMap((folder) => {
  try {
    return walk(join(root, folder));
  } catch {
    return [];
  }
});

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`]*?from\s+['"]([^'"]+)['"]/g)) specs.push(match[1]!);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) specs.push(match[1]!);
  return specs;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`];
  return candidates.find((candidate) => files.includes(candidate));
}

const rel = (file: string) => relative(root, file);

describe('house rules', () => {
  it('no file is over 300 lines', () => {
    const long = files
      .map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  // src/cli is the composition root (DESIGN.md layers: beside the adapters): it may wire adapters in, but
  // like the rest of src/ it never touches an SDK itself.
  it('src/ never imports a chat SDK or the MCP SDK, and only src/cli wires adapters', () => {
    const bad: string[] = [];
    for (const file of files.filter((f) => rel(f).startsWith('src/'))) {
      for (const spec of importsOf(file)) {
        const target = resolveLocal(file, spec);
        if (sdkPattern.test(spec) || (target && rel(target).startsWith('adapters/') && !rel(file).startsWith('src/cli/'))) bad.push(`${rel(file)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('imports point down: only faces import commands; the message model imports nothing above it', () => {
    const faces = ['src/commands/', 'src/cli/', 'src/http/', 'adapters/', 'test/', 'bench/', 'src/main'];
    const bad: string[] = [];
    for (const file of files) {
      const from = rel(file);
      for (const spec of importsOf(file)) {
        const target = resolveLocal(file, spec);
        if (!target) continue;
        const to = rel(target);
        if (to.startsWith('src/commands/') && !faces.some((face) => from.startsWith(face))) bad.push(`${from} -> ${to}`);
        if (from.startsWith('src/reply/') && !to.startsWith('src/reply/')) bad.push(`${from} -> ${to}`);
        if (from.startsWith('src/db/') && /^src\/(catalog|sync|commands|scaffolder|nudges|http|cli)\//.test(to)) bad.push(`${from} -> ${to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const file of files) {
      graph.set(file, importsOf(file).map((spec) => resolveLocal(file, spec)).filter((t): t is string => Boolean(t)));
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, 'open');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).concat(next).map(rel).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
