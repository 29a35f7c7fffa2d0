/** What the MCP face needs from the composition root (src/cli): the core, passed in. */
import type { Clock } from '../../src/clock.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import type { AuditEntry } from '../../src/audit/record.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { Reply } from '../../src/reply/reply.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import type { TokenScope } from '../../src/config/security.js';

export interface McpDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  /** A command context for this caller (the config's admin groups, on-call, Backstage URL added). */
  context(requester: Requester): CommandContext;
  /** Runs one line of the command grammar, as every face does. */
  runLine(line: string, ctx: CommandContext): Promise<Reply>;
  /** Whether live on-call (PagerDuty, Opsgenie) is configured: the `oncall` tool exists only then. */
  oncallConfigured: boolean;
  /** Limits `validate_entity` parses with (MAX_FILE_BYTES, MAX_DOCUMENTS_PER_FILE). */
  yamlLimits: { maxBytes: number; maxDocuments: number };
  /** STALE_AFTER_DAYS, for agents_md's open problems. */
  staleAfterDays: number;
  /** What the scaffolder runs steps with: dry runs run here, in this process. */
  runner: RunnerDeps;
  /** Wakes a task worker after `create` made a task (this process's, or the server's). */
  wake(): void;
  /** How long `create` waits for its task to finish before answering with the task's state so far. */
  createWaitMs?: number;
  /**
   * Calls `listener` when any replica changed the catalog (NOTIFY from migration 0010). Only where
   * a session lives long enough to be told (stdio, HTTP sessions): a stateless request has nowhere to send it.
   */
  onCatalogChange?(listener: () => void): () => void;
  /**
   * Where read-only calls' audit rows go in batches (serve's /mcp, as the catalog API's): an insert
   * and its commit per `owner` call cost more than the answer. Without it (stdio, tests), and always
   * for `create`, each row is written before the call is answered.
   */
  auditBatch?: { add(entry: AuditEntry): void };
}

/** Who is calling: the API token's name on HTTP, the local user on stdio. */
export interface McpCaller {
  /** The token name (or `stdio:<user>`), recorded as the audit log's actor. */
  name: string;
  requester: Requester;
  /** `read` for every caller; `write` (API_TOKEN_SCOPES, or the local user on stdio) may run `create`. */
  scopes: readonly TokenScope[];
}
