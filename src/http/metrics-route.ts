import { Router, type RequestHandler } from 'express';
import { registry } from '../metrics.js';

/**
 * `GET /metrics` in Prometheus text format. On the main port it sits behind `guard` (an API token):
 * metrics name sources, routes and volumes, which is not for whoever can reach the port. On its
 * own listener (METRICS_PORT, bound to METRICS_HOST) it needs none.
 */
export function metricsRouter(guard?: RequestHandler): Router {
  const router = Router();
  router.get('/metrics', ...(guard ? [guard] : []), async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
