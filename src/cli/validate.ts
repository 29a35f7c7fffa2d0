/**
 * `callsheet validate <files or folders>`: Backstage's rules applied offline (no database), for a
 * catalog repository's own CI. Prints `file:line: message` per problem; exit 1 when there is any.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { coreEnv } from '../config/core.js';
import { syncEnv } from '../config/sync.js';
import { readTree } from '../sync/read-tree.js';
import { folderTree, scanFolder } from '../sync/sources/folder.js';
import type { Problem } from '../sync/types.js';
import { builtinActionIds } from '../scaffolder/actions/catalogue.js';
import { describeUnsupported, unsupportedParts } from '../scaffolder/preflight.js';
import type { SubCommand } from './io.js';

const validateEnv = coreEnv.pick({ MAX_FILE_BYTES: true, MAX_DOCUMENTS_PER_FILE: true }).merge(syncEnv.pick({ CATALOG_ALLOWED_KINDS: true }));

export const validateCli: SubCommand = async (args, io) => {
  if (!args.length) {
    io.err('Usage: callsheet validate <files or folders>');
    return 2;
  }
  const env = validateEnv.safeParse(io.env);
  if (!env.success) {
    io.err(env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const config: z.output<typeof validateEnv> = env.data;
  const cwd = process.cwd();
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  let entities = 0;
  let files = 0;
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      problems.push({ filePath: arg, message: 'no such file or folder' });
      continue;
    }
    // Paths are shown relative to the working directory, which is also the tree's root when the
    // argument is inside it, so Location targets may point anywhere below it.
    const inside = !relative(cwd, abs).startsWith('..') && !isAbsolute(relative(cwd, abs));
    const root = inside ? cwd : info.isDirectory() ? abs : resolve(abs, '..');
    const prefix = relative(root, abs).split('\\').join('/');
    const entries = info.isDirectory() ? (await scanFolder(abs)).map((f) => (prefix ? `${prefix}/${f.path}` : f.path)) : [prefix];
    const tree = await folderTree(root, entries, info.isDirectory());
    const result = await readTree(tree, {
      limits: { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE },
      ...(config.CATALOG_ALLOWED_KINDS.length ? { allowedKinds: config.CATALOG_ALLOWED_KINDS } : {}),
    });
    const display = (p: string) => (inside ? p : relative(cwd, resolve(root, p)));
    problems.push(...result.problems.map((p) => ({ ...p, filePath: display(p.filePath) })));
    const runnable = new Set(builtinActionIds());
    for (const r of result.records) {
      // A template needing an action or field Callsheet lacks would be refused before its form: say so here.
      if (r.entity.kind === 'Template') {
        const parts = unsupportedParts({ entity: r.entity as never }, (id) => runnable.has(id), 'all');
        if (parts.length) problems.push({ filePath: display(r.filePath), entityRef: r.ref, message: `${r.ref} cannot run in Callsheet: ${describeUnsupported(parts)}` });
      }
      const earlier = seen.get(r.ref);
      if (earlier) problems.push({ filePath: display(r.filePath), entityRef: r.ref, message: `${r.ref} is already defined in ${earlier}` });
      else seen.set(r.ref, display(r.filePath));
    }
    entities += result.records.length;
    files += result.filesRead.size;
  }
  for (const p of problems) io.out(`${p.filePath}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (problems.length) {
    io.out(`${problems.length} problem(s); ${entities} valid entities in ${files} file(s)`);
    return 1;
  }
  io.out(`OK: ${entities} entities in ${files} file(s), no problems`);
  return 0;
};
