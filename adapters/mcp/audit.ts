/**
 * Every tool call is an audit row (tool, token name, arguments scrubbed of secrets, outcome), and a
 * handler that throws becomes a tool error with a reference, never a broken session.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { recordAuditSafely, type AuditEntry, type AuditOutcome } from '../../src/audit/record.js';
import { outcomeOf, type Reply } from '../../src/reply/reply.js';
import type { McpCaller, McpDeps } from './deps.js';
import { errorResult } from './results.js';

export interface Handled {
  result: CallToolResult;
  target?: string | null;
  /** The command's reply, when one ran: its outcome (refused, error) is the audit outcome. */
  reply?: Reply;
  outcome?: AuditOutcome;
  /** Values to scrub from the recorded arguments (passwords typed into template forms). */
  secrets?: string[];
}

/** Tools that change something: their audit row is written before they answer. */
const WRITES = new Set(['create']);

export type Audited = <A>(tool: string, handler: (args: A) => Promise<Handled>) => (args: A) => Promise<CallToolResult>;

export function auditedTools(deps: McpDeps, caller: McpCaller): Audited {
  return (tool, handler) => async (args) => {
    let handled: Handled;
    try {
      handled = await handler(args);
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      deps.logger.error({ err: error, reference, tool }, 'mcp tool failed');
      handled = { result: errorResult(`Sorry, ${tool} failed. Reference: ${reference}`), outcome: 'failed' };
    }
    const outcome = handled.outcome ?? (handled.reply ? outcomeOf(handled.reply) : handled.result.isError ? 'error' : 'ok');
    const entry: AuditEntry = {
      at: deps.clock.now(),
      platform: 'mcp',
      actor: caller.name,
      actorRef: caller.requester.userRef ?? null,
      action: 'mcp.tool',
      target: handled.target ?? tool,
      text: tool,
      outcome,
      details: { tool, arguments: args as Record<string, unknown> },
      secrets: handled.secrets,
    };
    // A write is on record before it is answered; a read's row may follow in the next batch.
    if (deps.auditBatch && !WRITES.has(tool)) deps.auditBatch.add(entry);
    else await recordAuditSafely(deps.db, deps.logger, entry);
    return handled.result;
  };
}
