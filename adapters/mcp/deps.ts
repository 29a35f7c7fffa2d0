/** What the MCP face needs from the composition root (src/cli): the core, passed in. */
import type { Clock } from '../../src/clock.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { Reply } from '../../src/reply/reply.js';

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
}

/** Who is calling: the API token's name on HTTP, the local user on stdio. */
export interface McpCaller {
  /** The token name (or `stdio:<user>`), recorded as the audit log's actor. */
  name: string;
  requester: Requester;
}
