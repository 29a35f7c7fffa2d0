/** Where a request came from. Every face (chat, shell, CLI, HTTP, MCP) names itself here. */
export type Platform = 'slack' | 'teams' | 'shell' | 'cli' | 'http' | 'mcp';

/** Who asked, as far as the platform knows. `userRef` is the catalog User they map to, if any. */
export interface Requester {
  platform: Platform;
  externalId?: string;
  displayName?: string;
  email?: string;
  userRef?: string;
}
