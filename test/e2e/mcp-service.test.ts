/**
 * An agent against the running service (startService, as `callsheet serve`), with the SDK's own
 * Client over Streamable HTTP, as the README configures it: it answers "who owns payments-api and
 * who is on call" (PagerDuty fake), then creates a service end to end (list, describe, dry run,
 * create) publishing to the fake GitHub and registering the new repository. A read-only token is
 * refused the create.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { entities } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { startOnCallFakes, type OnCallBed } from '../helpers/oncall-bed.js';
import { demoCatalogDir } from '../helpers/seed.js';

const WRITER = 'mcp-writer-token-0123456789abcdef';
const READER = 'mcp-reader-token-0123456789abcdef';
const templatesSrc = new URL('../../templates/typescript-service', import.meta.url).pathname;

describe('an MCP agent against the running service', () => {
  let service: RunningService;
  let github: FakeGithub;
  let oncall: OnCallBed;
  let database: TestDatabase | undefined;
  let dataDir: string;
  let host: string;
  const clients: Client[] = [];
  const connect = async (token: string) => {
    const client = new Client({ name: 'agent', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${service.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const text = (r: Record<string, unknown>) => (r.content as Array<{ text: string }>).map((c) => c.text).join('\n');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'callsheet-mcp-service-'));
    github = await startFakeGithub({ org: new FakeOrg('acme') });
    oncall = await startOnCallFakes(Date.now());
    host = new URL(github.url).host;
    // The shipped template, with its RepoUrlPicker allowing the configured GitHub (the fake) instead of github.com.
    const templates = join(dataDir, 'templates', 'typescript-service');
    await cp(templatesSrc, templates, { recursive: true });
    const yaml = await readFile(join(templates, 'template.yaml'), 'utf8');
    await writeFile(join(templates, 'template.yaml'), yaml.replace('- github.com', `- "${host}"`));
    if (testDatabaseUrl()) database = await createTestDatabase();
    const config = loadConfig({
      DATA_DIR: join(dataDir, 'data'),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      CATALOG_SOURCES: demoCatalogDir,
      TEMPLATE_SOURCES: join(dataDir, 'templates'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NUDGE_ENABLED: 'false',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_TOKEN: 'test-token',
      PAGERDUTY_TOKEN: 'pd-test-token',
      PAGERDUTY_API_URL: oncall.pd.url,
      API_TOKENS: `coding-agent:${WRITER},reader:${READER}`,
      API_TOKEN_SCOPES: 'coding-agent:read+write',
      API_TOKEN_USERS: 'coding-agent:alice-nguyen,reader:bruno-costa',
    });
    service = await startService(config, { shell: false, logger: silentLogger() });
    await service.firstSync;
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await service?.stop();
    await github?.close();
    await oncall?.close();
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers who owns payments-api and who is on call', async () => {
    const agent = await connect(READER);
    const { tools } = await agent.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['owner', 'oncall', 'list_templates', 'describe_template', 'create_dry_run', 'create', 'agents_md']));
    const owner = await agent.callTool({ name: 'owner', arguments: { entity: 'payments-api' } });
    expect((owner.structuredContent as { summary: string }).summary).toMatch(/owned by Payments/);
    const onCall = await agent.callTool({ name: 'oncall', arguments: { entity: 'payments-api' } });
    expect(onCall.isError, text(onCall)).toBeFalsy();
    expect(text(onCall)).toContain('Alice Nguyen');
  });

  it('a read-only token may dry-run but not create', async () => {
    const agent = await connect(READER);
    const refused = await agent.callTool({ name: 'create', arguments: { template: 'typescript-service', values: { name: 'nope-svc', owner: 'group:default/payments', publishTo: 'callsheet' } } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/write scope/);
  });

  it('creates a service end to end: describe, dry run (nothing published), create on GitHub, registered', async () => {
    const agent = await connect(WRITER);
    const listed = await agent.callTool({ name: 'list_templates', arguments: {} });
    expect((listed.structuredContent as { templates: Array<{ name: string }> }).templates.map((t) => t.name)).toContain('typescript-service');
    const described = await agent.callTool({ name: 'describe_template', arguments: { template: 'typescript-service' } });
    expect(Object.keys((described.structuredContent as { parameters: { properties: object } }).parameters.properties)).toEqual(expect.arrayContaining(['name', 'owner', 'publishTo']));

    const values = { name: 'ledger-api', description: 'Books every payment', owner: 'group:default/payments', lifecycle: 'production', publishTo: 'github', repoUrl: `${host}?owner=acme&repo=ledger-api` };
    const dry = await agent.callTool({ name: 'create_dry_run', arguments: { template: 'typescript-service', values } });
    expect(dry.isError, text(dry)).toBeFalsy();
    expect((dry.structuredContent as { skipped: Array<{ action: string }> }).skipped.map((s) => s.action)).toContain('publish:github');
    expect(github.org.repos.get('ledger-api')).toBeUndefined();

    const created = await agent.callTool({ name: 'create', arguments: { template: 'typescript-service', values } });
    expect(created.isError, text(created)).toBeFalsy();
    const task = created.structuredContent as { status: string; outputs: { links: Array<{ entityRef?: string; url?: string }> } };
    expect(task.status).toBe('completed');
    expect(github.org.repos.get('ledger-api'), 'acme/ledger-api on the fake GitHub').toBeDefined();
    expect(task.outputs.links.map((l) => l.entityRef)).toContain('component:default/ledger-api');
    const [row] = await service.runtime.database.db.select().from(entities).where(eq(entities.ref, 'component:default/ledger-api'));
    expect(row).toMatchObject({ sourceId: 'github:acme/ledger-api', ownerRef: 'group:default/payments' });
    const owner = await agent.callTool({ name: 'owner', arguments: { entity: 'ledger-api' } });
    expect((owner.structuredContent as { summary: string }).summary).toMatch(/owned by Payments/);
  }, 120_000);
});
