/** The MCP face's view of the runtime (adapters are wired here, in the composition root). */
import type { McpDeps } from '../../adapters/mcp/deps.js';
import { runLine } from '../commands/run.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { Runtime } from './runtime.js';

export function mcpDeps(runtime: Runtime, config: Config, logger: Logger): McpDeps {
  return {
    db: runtime.database.db,
    logger,
    clock: runtime.clock,
    context: (requester) => runtime.context(requester),
    runLine,
    oncallConfigured: runtime.oncall.pagerDuty || runtime.oncall.opsgenie,
    yamlLimits: { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE },
  };
}
