/**
 * A router whose real one (and the packages it needs) is loaded at the first request to its path:
 * the MCP SDK costs a few hundred milliseconds of CPU and tens of MB at every start, for an
 * endpoint most runs (the demo, a shell) never see.
 */
import express from 'express';

export function lazyMcpRouter(make: () => Promise<express.Router>, path = '/mcp'): express.Router {
  const router = express.Router();
  let loaded: Promise<express.Router> | undefined;
  router.all(path, (req, res, next) => {
    loaded ??= make();
    loaded.then((real) => real(req, res, next), next);
  });
  return router;
}
