/**
 * `callsheet validate <files or folders> [--format text|json|github] [--catalog <folder>]`:
 * Backstage's rules applied offline (no database), for a catalog repository's own CI. Every problem
 * is printed (as text, one JSON object, or GitHub Actions annotations); exit 1 when there is any.
 * With `--catalog`, references to entities in neither the files nor that catalog are warnings.
 * `type: url` Location targets (other repositories) are not read offline: each is a notice.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CatalogRecord } from '../catalog/store.js';
import { coreEnv } from '../config/core.js';
import { syncEnv } from '../config/sync.js';
import { readTree, type ReadResult } from '../sync/read-tree.js';
import { folderTree, scanFolder } from '../sync/sources/folder.js';
import { builtinActionIds } from '../scaffolder/actions/catalogue.js';
import { describeUnsupported, unsupportedParts } from '../scaffolder/preflight.js';
import type { Problem } from '../sync/types.js';
import type { SubCommand } from './io.js';
import { FORMATS, formatFindings, type Finding, type Format } from './validate-format.js';
import { danglingReferences } from './validate-refs.js';

const validateEnv = coreEnv.pick({ MAX_FILE_BYTES: true, MAX_DOCUMENTS_PER_FILE: true }).merge(syncEnv.pick({ CATALOG_ALLOWED_KINDS: true }));
const USAGE = 'Usage: callsheet validate <files or folders> [--format text|json|github] [--catalog <folder>]';

type Config = z.output<typeof validateEnv>;

/** One file or folder read as a tree rooted at `root`; paths in the result are relative to it. */
async function readPath(config: Config, root: string, abs: string, isDirectory: boolean, urlNotChecked?: (notice: Problem) => void): Promise<ReadResult> {
  const prefix = relative(root, abs).split('\\').join('/');
  const entries = isDirectory ? (await scanFolder(abs)).map((f) => (prefix ? `${prefix}/${f.path}` : f.path)) : [prefix];
  const tree = await folderTree(root, entries, isDirectory);
  return readTree(tree, {
    limits: { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE },
    ...(config.CATALOG_ALLOWED_KINDS.length ? { allowedKinds: config.CATALOG_ALLOWED_KINDS } : {}),
    ...(urlNotChecked ? { urlNotChecked } : {}),
  });
}

export const validateCli: SubCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', default: 'text' }, catalog: { type: 'string', multiple: true } } });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const format = parsed.values.format as Format;
  if (!FORMATS.includes(format)) {
    io.err(`--format ${format}: expected one of ${FORMATS.join(', ')}\n${USAGE}`);
    return 2;
  }
  const args = parsed.positionals;
  if (!args.length) {
    io.err(USAGE);
    return 2;
  }
  const env = validateEnv.safeParse(io.env);
  if (!env.success) {
    io.err(env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const config: Config = env.data;
  const cwd = process.cwd();
  const findings: Finding[] = [];
  const error = (p: Omit<Finding, 'severity'>) => findings.push({ severity: 'error', ...p });
  const seen = new Map<string, string>();
  const validated: { record: CatalogRecord; displayPath: string; absPath: string }[] = [];
  let files = 0;
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      error({ filePath: arg, message: 'no such file or folder' });
      continue;
    }
    // Paths are shown relative to the working directory, which is also the tree's root when the
    // argument is inside it, so Location targets may point anywhere below it.
    const inside = !relative(cwd, abs).startsWith('..') && !isAbsolute(relative(cwd, abs));
    const root = inside ? cwd : info.isDirectory() ? abs : resolve(abs, '..');
    const display = (p: string) => (inside ? p : relative(cwd, resolve(root, p)));
    // Files of other repositories (`type: url` targets) are read by the sync, never offline: noted, not failed.
    const result = await readPath(config, root, abs, info.isDirectory(), (n) => findings.push({ severity: 'notice', ...n, filePath: display(n.filePath) }));
    for (const p of result.problems) error({ ...p, filePath: display(p.filePath) });
    const runnable = new Set(builtinActionIds());
    for (const r of result.records) {
      // A template needing an action or field Callsheet lacks would be refused before its form: say so here.
      if (r.entity.kind === 'Template') {
        const parts = unsupportedParts({ entity: r.entity as never }, (id) => runnable.has(id), 'all');
        if (parts.length) error({ filePath: display(r.filePath), entityRef: r.ref, message: `${r.ref} cannot run in Callsheet: ${describeUnsupported(parts)}` });
      }
      const earlier = seen.get(r.ref);
      if (earlier) error({ filePath: display(r.filePath), entityRef: r.ref, message: `${r.ref} is already defined in ${earlier}` });
      else seen.set(r.ref, display(r.filePath));
      validated.push({ record: r, displayPath: display(r.filePath), absPath: resolve(root, r.filePath) });
    }
    files += result.filesRead.size;
  }
  if (parsed.values.catalog?.length) {
    const known = new Set(validated.map((v) => v.record.ref));
    for (const source of parsed.values.catalog) {
      const abs = resolve(cwd, source);
      const info = await stat(abs).catch(() => undefined);
      if (!info) {
        io.err(`--catalog ${source}: no such file or folder`);
        return 2;
      }
      // Only its entities matter here: its own problems are for its own CI.
      const result = await readPath(config, info.isDirectory() ? abs : resolve(abs, '..'), abs, info.isDirectory());
      for (const r of result.records) known.add(r.ref);
    }
    findings.push(...(await danglingReferences(validated, known)));
  }
  for (const line of formatFindings(format, findings, { entities: validated.length, files })) io.out(line);
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
};
