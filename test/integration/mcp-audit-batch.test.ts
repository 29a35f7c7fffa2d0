/**
 * serve's /mcp records read-only calls in batches, as the catalog API does (an insert and commit per
 * `owner` call cost more than its answer), while `create` is on record before it answers.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/record.js';
import { auditLog } from '../../src/db/schema-ops.js';
import { startMcpBed, type McpBed } from '../helpers/mcp-bed.js';

describe('MCP audit rows with a batch', () => {
  let bed: McpBed;
  const batched: AuditEntry[] = [];
  beforeAll(async () => {
    bed = await startMcpBed({ auditBatch: { add: (entry) => void batched.push(entry) } });
  });
  afterAll(async () => {
    await bed.close();
  });
  const rows = () => bed.database.db.select().from(auditLog).where(eq(auditLog.platform, 'mcp'));

  it('a read goes to the batch (tool, caller, arguments, outcome), not a row of its own', async () => {
    const client = await bed.session({ name: 'batch-agent' });
    await client.callTool({ name: 'owner', arguments: { entity: 'payments-api' } });
    expect(batched).toEqual([expect.objectContaining({ platform: 'mcp', actor: 'batch-agent', action: 'mcp.tool', text: 'owner', outcome: 'ok', details: { tool: 'owner', arguments: { entity: 'payments-api' } } })]);
    expect((await rows()).filter((r) => r.actor === 'batch-agent')).toHaveLength(0);
  });

  it('create is written before it answers, even when refused', async () => {
    const client = await bed.session({ name: 'batch-agent' });
    const before = batched.length;
    const result = await client.callTool({ name: 'create', arguments: { template: 'no-such-template', values: {} } });
    expect(result.isError).toBe(true);
    expect(batched).toHaveLength(before);
    expect((await rows()).filter((r) => r.actor === 'batch-agent' && r.text === 'create')).toHaveLength(1);
  });
});
