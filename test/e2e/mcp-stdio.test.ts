/** `callsheet mcp` on stdio, judged by the SDK's own Client spawning the real CLI over PGlite. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { demoCatalogDir } from '../helpers/seed.js';
import { tempDir } from '../helpers/sync-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templatesDir = fileURLToPath(new URL('../../templates', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/callsheet.js', import.meta.url));

let client: Client;
beforeAll(async () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: await tempDir('callsheet-mcp-stdio-'), CATALOG_SOURCES: demoCatalogDir, TEMPLATE_SOURCES: templatesDir, LOG_LEVEL: 'warn', CALLSHEET_USER: 'alice-nguyen' };
  client = new Client({ name: 'callsheet-stdio-test', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], cwd: root, env, stderr: 'ignore' }));
}, 240_000);
afterAll(async () => client?.close());

describe('callsheet mcp (stdio)', () => {
  it('lists tools and answers owner from the synced catalog', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('owner');
    const result = await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { entity: { metadata: { name: string } } }).entity.metadata.name).toBe('payments-api');
  }, 120_000);

  it('answers the template tools and agents_md, and a dry run publishes nothing', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_templates', 'describe_template', 'create_dry_run', 'create', 'agents_md']));
    const listed = await client.callTool({ name: 'list_templates', arguments: {} });
    expect((listed.structuredContent as { templates: Array<{ name: string }> }).templates.map((t) => t.name)).toContain('typescript-service');
    const md = await client.callTool({ name: 'agents_md', arguments: { entity: 'payments-api' } });
    expect((md.structuredContent as { markdown: string }).markdown).toContain('## APIs provided');
    const dry = await client.callTool({ name: 'create_dry_run', arguments: { template: 'typescript-service', values: { name: 'stdio-svc', owner: 'group:default/payments', publishTo: 'callsheet' } } });
    expect(dry.isError).toBeFalsy();
    expect((dry.structuredContent as { skipped: Array<{ action: string }> }).skipped.map((x) => x.action)).toContain('publish:git');
  }, 120_000);

  it('creates from a template as the local user (stdio carries write), registering the new entity', async () => {
    const created = await client.callTool({ name: 'create', arguments: { template: 'typescript-service', values: { name: 'stdio-made-svc', owner: 'group:default/payments', publishTo: 'callsheet' } } });
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    expect((created.structuredContent as { status: string }).status).toBe('completed');
    const owner = await client.callTool({ name: 'owner', arguments: { entity: 'stdio-made-svc' } });
    expect(owner.isError).toBeFalsy();
  }, 120_000);

  it('advertises resource subscriptions on stdio', () => {
    expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
  });
});
