/** The MCP server over Streamable HTTP, judged by the SDK's own Client against the real HTTP app. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog } from '../../src/db/schema-ops.js';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vi } from 'vitest';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { ALICE_TOKEN, startMcpBed, type McpBed } from '../helpers/mcp-bed.js';

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

  it('lists only the templates the token\'s User may run, and describes one as JSON Schema', async () => {
    const anyone = await bed.connect();
    const listed = await anyone.callTool({ name: 'list_templates', arguments: {} });
    const names = (listed.structuredContent as { templates: Array<{ name: string }> }).templates.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['typescript-service', 'docs-site']));
    expect(names).not.toContain('sre-runbook');
    const described = await anyone.callTool({ name: 'describe_template', arguments: { template: 'typescript-service' } });
    expect(described.isError).toBeFalsy();
    const schema = (described.structuredContent as { parameters: { type: string; properties: Record<string, { type: string }>; required: string[] } }).parameters;
    expect(schema.type).toBe('object');
    expect(schema.properties.name!.type).toBe('string');
    expect(schema.properties.port!.type).toBe('integer');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'owner', 'publishTo']));
    expect(JSON.stringify(schema)).not.toContain('ui:field');
  });

  it('refuses a template limited to a group the token\'s User is not in, and audits the refusal', async () => {
    const alice = await bed.connect(ALICE_TOKEN);
    const refused = await alice.callTool({ name: 'describe_template', arguments: { template: 'sre-runbook' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/Not permitted: .*user:default\/alice-nguyen is not a member/);
    const dry = await alice.callTool({ name: 'create_dry_run', arguments: { template: 'sre-runbook', values: {} } });
    expect(dry.isError).toBe(true);
    const rows = await bed.database.db.select().from(auditLog).where(eq(auditLog.actor, 'alice-agent'));
    expect(rows.find((r) => r.text === 'describe_template')).toMatchObject({ outcome: 'refused', actorRef: 'user:default/alice-nguyen' });
  });

  it('create_dry_run shows what would be made and publishes nothing; bad values are field errors', async () => {
    const client = await bed.connect(ALICE_TOKEN);
    const values = { name: 'ledger-api', owner: 'group:default/payments', lifecycle: 'production', publishTo: 'callsheet' };
    const dry = await client.callTool({ name: 'create_dry_run', arguments: { template: 'typescript-service', values } });
    expect(dry.isError, text(dry)).toBeFalsy();
    const result = dry.structuredContent as { status: string; files: Array<{ path: string; content?: string }>; skipped: Array<{ action: string }> };
    expect(result.status).toBe('completed');
    expect(result.files.find((f) => f.path === 'catalog-info.yaml')!.content).toMatch(/name: "?ledger-api/);
    expect(result.skipped.map((s) => s.action)).toEqual(expect.arrayContaining(['publish:git', 'catalog:register']));
    expect(text(dry)).toContain('Nothing was published');
    expect(await bed.database.db.select().from(scaffolderTasks)).toHaveLength(0);
    const bad = await client.callTool({ name: 'create_dry_run', arguments: { template: 'typescript-service', values: { ...values, name: 'Not A Name!' } } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/name: /);
  });

  it('create needs the write scope: a read token is refused before anything is made', async () => {
    const client = await bed.connect();
    const refused = await client.callTool({ name: 'create', arguments: { template: 'typescript-service', values: { name: 'x-svc', owner: 'payments', publishTo: 'callsheet' } } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/Not permitted: .*write scope/);
    expect(await bed.database.db.select().from(scaffolderTasks)).toHaveLength(0);
  });

  it('agents_md returns the component\'s context as Markdown', async () => {
    const client = await bed.connect();
    const result = await client.callTool({ name: 'agents_md', arguments: { entity: 'payments-api' } });
    expect(result.isError).toBeFalsy();
    const md = (result.structuredContent as { markdown: string }).markdown;
    expect(md).toContain('# Payments API');
    expect(md).toContain('#team-payments');
    expect(md).toContain('## Depended on by');
    const unknown = await client.callTool({ name: 'agents_md', arguments: { entity: 'paymnts-api' } });
    expect(text(unknown)).toMatch(/Did you mean/);
  });

  it('a session subscribed to an entity is told when a sync changed it, not for other changes', async () => {
    const client = await bed.session();
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => void updated.push(n.params.uri));
    const uri = 'catalog://entity/component/default/payments-api';
    await client.readResource({ uri });
    await client.subscribeResource({ uri });
    await client.subscribeResource({ uri: 'catalog://entity/component/default/ledger-service' });
    const file = join(bed.catalogDir, 'components', 'payments.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('Public API for creating, capturing and refunding card and bank payments', 'Public API for payments (changed)'));
    await bed.sync();
    await vi.waitFor(() => expect(updated).toContain(uri), { timeout: 10_000 });
    expect(updated).not.toContain('catalog://entity/component/default/ledger-service');
    const read = await client.readResource({ uri });
    expect((read.contents[0] as { text: string }).text).toContain('(changed)');
    await client.unsubscribeResource({ uri });
    await writeFile(file, before);
    await bed.sync();
    await new Promise((r) => setTimeout(r, 500));
    expect(updated.filter((u) => u === uri)).toHaveLength(1);
    await expect(client.subscribeResource({ uri: 'catalog://entity/component/default/nope' })).rejects.toThrow(/No resource/);
  });
});
