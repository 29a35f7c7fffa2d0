/**
 * Tool results: structured content an agent can read, plus the text the shell shows for the same
 * Reply (one rendering for every text face). Errors are tool errors, never thrown at the session.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Reply } from '../../src/reply/reply.js';
import { renderReplyText } from '../shell/render-text.js';

export function replyResult(reply: Reply, structured: Record<string, unknown> = {}): CallToolResult {
  return {
    content: [{ type: 'text', text: renderReplyText(reply) }],
    structuredContent: { summary: reply.summary, ...structured },
    ...(reply.isError ? { isError: true } : {}),
  };
}

export function errorResult(message: string, structured: Record<string, unknown> = {}): CallToolResult {
  return { content: [{ type: 'text', text: message }], structuredContent: { error: message, ...structured }, isError: true };
}
