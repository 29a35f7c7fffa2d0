/**
 * A router whose real one (and the packages it needs) is loaded at the first request to its path:
 * the MCP SDK costs a few hundred milliseconds of CPU and tens of MB at every start, for an
 * endpoint most runs (the demo, a shell) never see.
 */
import express from 'express';

type Closable = express.Router & { close?(): Promise<void> };

/** `close` closes the real router if it was ever made (MCP sessions and their open streams). */
export function lazyMcpRouter(make: () => Promise<Closable>, path = '/mcp'): express.Router & { close(): Promise<void> } {
  const router = express.Router();
  let loaded: Promise<Closable> | undefined;
  router.all(path, (req, res, next) => {
    loaded ??= make();
    loaded.then((real) => real(req, res, next), next);
  });
  return Object.assign(router, { close: async () => void (await (await loaded?.catch(() => undefined))?.close?.()) });
}
