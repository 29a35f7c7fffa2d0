/** `callsheet mcp` on stdio, judged by the SDK's own Client spawning the real CLI over PGlite. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { demoCatalogDir } from '../helpers/seed.js';
import { tempDir } from '../helpers/sync-fixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/callsheet.js', import.meta.url));

let client: Client;
beforeAll(async () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: await tempDir('callsheet-mcp-stdio-'), CATALOG_SOURCES: demoCatalogDir, LOG_LEVEL: 'warn', CALLSHEET_USER: 'dev' };
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
});
