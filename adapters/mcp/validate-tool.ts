/**
 * `validate_entity`: a catalog-info.yaml text checked as sync reads files (the same bounded YAML
 * parser, then Backstage's own entity policies and kind validators), before an agent commits it.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { validateEntity } from '../../src/catalog/validate.js';
import { parseYamlDocuments, YamlError } from '../../src/sync/yaml.js';
import type { Audited } from './audit.js';
import type { McpDeps } from './deps.js';

interface DocumentCheck {
  document: number;
  line: number;
  ok: boolean;
  ref?: string;
  message?: string;
}

export async function checkCatalogText(text: string, limits: McpDeps['yamlLimits']): Promise<{ ok: boolean; documents: DocumentCheck[]; error?: string }> {
  let docs;
  try {
    docs = parseYamlDocuments(text, limits);
  } catch (error) {
    const where = error instanceof YamlError && error.line ? ` (line ${error.line})` : '';
    return { ok: false, documents: [], error: `Not valid YAML${where}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!docs.length) return { ok: false, documents: [], error: 'The text holds no YAML document.' };
  const documents: DocumentCheck[] = [];
  for (const [i, doc] of docs.entries()) {
    const v = await validateEntity(doc.value);
    if (v.ok) {
      const m = v.entity.metadata;
      documents.push({ document: i + 1, line: doc.line, ok: true, ref: `${v.entity.kind.toLowerCase()}:${m.namespace ?? 'default'}/${m.name}` });
    } else documents.push({ document: i + 1, line: doc.line, ok: false, message: v.message });
  }
  return { ok: documents.every((d) => d.ok), documents };
}

export function registerValidateTool(server: McpServer, deps: McpDeps, audited: Audited): void {
  server.registerTool('validate_entity', {
    description: "Check a catalog-info.yaml text with Backstage's rules (as `callsheet validate` and sync do) before committing it.",
    inputSchema: { yaml: z.string().min(1).max(deps.yamlLimits.maxBytes).describe('The catalog-info.yaml text (one or more documents)') },
  }, audited('validate_entity', async ({ yaml }: { yaml: string }) => {
    const checked = await checkCatalogText(yaml, deps.yamlLimits);
    const lines = checked.error
      ? [checked.error]
      : checked.documents.map((d) => (d.ok ? `document ${d.document} (line ${d.line}): ${d.ref} is valid` : `document ${d.document} (line ${d.line}): ${d.message}`));
    return {
      result: { content: [{ type: 'text', text: lines.join('\n') }], structuredContent: checked, ...(checked.ok ? {} : { isError: true }) },
      target: checked.documents.map((d) => d.ref).filter(Boolean).join(', ') || null,
      outcome: checked.ok ? 'ok' : 'error',
    };
  }));
}
