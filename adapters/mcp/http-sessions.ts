/**
 * MCP sessions over Streamable HTTP (Mcp-Session-Id): one server and transport per session, made at
 * `initialize` and reused by every later request, so a call costs its tool and not a server with
 * ~18 tools registered. A session belongs to the token that opened it, ends after MCP_SESSION_IDLE
 * with no request and no open GET stream, and there are at most MCP_MAX_SESSIONS per replica.
 * Sessions live in this process only: an id that reaches another replica (or outlived its session)
 * is unknown there, and unknown ids get 404, the spec's signal to initialise again.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../../src/logger.js';

export interface SessionOptions {
  /** A session with no request and no open stream for this long is ended. */
  idleMs: number;
  /** Most sessions held at once; 0 turns sessions off (every request stateless). */
  maxSessions: number;
  now?: () => number;
}

export interface McpSession {
  id: string;
  /** The API token's name that opened it: only that token may use it. */
  token: string;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  lastUsed: number;
  /** Open GET streams: a client waiting for notifications is not idle. */
  streams: number;
}

export interface SessionStore {
  readonly size: number;
  /** The live session `id` names for `token`, or undefined (unknown, expired, or another token's). */
  find(id: string, token: string): McpSession | undefined;
  add(session: Omit<McpSession, 'lastUsed' | 'streams'>): void;
  /** Forgets the session and closes its server (idempotent: the transport's close calls it too). */
  end(id: string): void;
  /** Counts an open GET stream until `closed` fires. */
  holdStream(session: McpSession, onClosed: (listener: () => void) => void): void;
  closeAll(): Promise<void>;
}

export function createSessionStore(options: SessionOptions, logger: Logger): SessionStore {
  const now = options.now ?? Date.now;
  // Insertion order is use order (a used session is moved to the end): the first idle one is the least recently used.
  const sessions = new Map<string, McpSession>();
  const expired = (s: McpSession) => s.streams === 0 && now() - s.lastUsed > options.idleMs;
  const touch = (s: McpSession) => {
    s.lastUsed = now();
    sessions.delete(s.id);
    sessions.set(s.id, s);
  };
  const end = (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    // After the transport's own close has run (this may be called from it), not inside it.
    setImmediate(() => void session.server.close().catch((error: unknown) => logger.warn({ err: error }, 'mcp: session close failed')));
  };
  const sweep = () => {
    for (const s of [...sessions.values()]) if (expired(s)) end(s.id);
  };
  const timer = setInterval(sweep, Math.max(1000, Math.min(options.idleMs, 60_000)));
  timer.unref();

  return {
    get size() {
      return sessions.size;
    },
    find(id, token) {
      const session = sessions.get(id);
      if (!session) return undefined;
      if (expired(session)) {
        end(id);
        return undefined;
      }
      if (session.token !== token) {
        // Treated as unknown, so a session id is no use to any other token (nor tells it one exists).
        logger.warn({ token, owner: session.token }, 'mcp: a session id was presented with another token; refused as unknown');
        return undefined;
      }
      touch(session);
      return session;
    },
    add(session) {
      sweep();
      while (sessions.size >= options.maxSessions) {
        const idle = [...sessions.values()].find((s) => s.streams === 0) ?? sessions.values().next().value!;
        logger.info({ token: idle.token }, 'mcp: session limit reached; the least recently used session ends');
        end(idle.id);
      }
      sessions.set(session.id, { ...session, lastUsed: now(), streams: 0 });
    },
    end,
    holdStream(session, onClosed) {
      session.streams++;
      onClosed(() => {
        session.streams--;
        session.lastUsed = now();
      });
    },
    async closeAll() {
      clearInterval(timer);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map((s) => s.server.close()));
    },
  };
}
