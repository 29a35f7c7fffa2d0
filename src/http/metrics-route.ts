import { Router } from 'express';
import { registry } from '../metrics.js';

/** `GET /metrics` in Prometheus text format. */
export function metricsRouter(): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
