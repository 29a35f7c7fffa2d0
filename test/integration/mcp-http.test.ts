/** The MCP server over Streamable HTTP, judged by the SDK's own Client against the real HTTP app. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog } from '../../src/db/schema-ops.js';
import { startMcpBed, type McpBed } from '../helpers/mcp-bed.js';

let bed: McpBed;
beforeAll(async () => {
  bed = await startMcpBed();
}, 120_000);
afterAll(async () => bed?.close());

const text = (result: Record<string, unknown>) => (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');

describe('MCP over Streamable HTTP', () => {
  it('refuses a request without a token with 401', async () => {
    const res = await fetch(bed.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res.status).toBe(401);
    await expect(bed.connect('not-a-known-token-000000000')).rejects.toThrow();
  });

  it('lists the catalog tools with input schemas (oncall only when configured)', async () => {
    const client = await bed.connect();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['owner', 'find', 'deps', 'team', 'system', 'stale', 'score', 'validate_entity']));
    expect(names).not.toContain('oncall');
    const owner = tools.find((t) => t.name === 'owner')!;
    expect(owner.description).toMatch(/owns/);
    expect(owner.inputSchema.properties).toHaveProperty('entity');
  });

  it('answers owner with the entity JSON and the same text the shell shows, and audits the call', async () => {
    const client = await bed.connect();
    const result = await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { entity: { metadata: { name: string }; relations: Array<{ type: string; targetRef: string }> }; refs: string[] };
    expect(structured.entity.metadata.name).toBe('payments-api');
    expect(structured.entity.relations.some((r) => r.type === 'ownedBy')).toBe(true);
    expect(text(result)).toContain('payments');
    const rows = await bed.database.db.select().from(auditLog).where(eq(auditLog.platform, 'mcp')).orderBy(desc(auditLog.id));
    const row = rows.find((r) => r.text === 'owner')!;
    expect(row.actor).toBe('coding-agent');
    expect(row.outcome).toBe('ok');
    expect(row.details).toMatchObject({ tool: 'owner', arguments: { entity: 'payments-api' } });
  });

  it('answers find with the refs it names', async () => {
    const client = await bed.connect();
    const result = await client.callTool({ name: 'find', arguments: { query: 'payments' } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { refs: string[] }).refs).toContain('component:default/payments-api');
  });

  it('an unknown entity is a tool error with did-you-mean candidates; the session goes on', async () => {
    const client = await bed.connect();
    const result = await client.callTool({ name: 'owner', arguments: { entity: 'paymnts-api' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Did you mean: .*payments-api/);
    const again = await client.callTool({ name: 'deps', arguments: { entity: 'payments-api' } });
    expect(again.isError).toBeFalsy();
  });

  it('invalid input is a tool error, not a broken session', async () => {
    const client = await bed.connect();
    const result = await client.callTool({ name: 'owner', arguments: { entity: '' } });
    expect(result.isError).toBe(true);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('validate_entity checks catalog-info.yaml text with Backstage rules', async () => {
    const client = await bed.connect();
    const good = await client.callTool({ name: 'validate_entity', arguments: { yaml: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: new-svc\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n' } });
    expect(good.isError).toBeFalsy();
    expect(text(good)).toContain('component:default/new-svc is valid');
    const bad = await client.callTool({ name: 'validate_entity', arguments: { yaml: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: "bad name!"\n' } });
    expect(bad.isError).toBe(true);
    expect((bad.structuredContent as { ok: boolean }).ok).toBe(false);
  });

  it('lists and reads entity and team resources', async () => {
    const client = await bed.connect();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['catalog://entity/{kind}/{namespace}/{name}', 'catalog://team/{name}']));
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('catalog://entity/component/default/payments-api');
    const read = await client.readResource({ uri: 'catalog://entity/component/default/payments-api' });
    const entity = JSON.parse((read.contents[0] as { text: string }).text) as { metadata: { name: string }; relations: unknown[] };
    expect(entity.metadata.name).toBe('payments-api');
    const team = await client.readResource({ uri: 'catalog://team/payments' });
    expect(JSON.parse((team.contents[0] as { text: string }).text).kind).toBe('Group');
  });
});
