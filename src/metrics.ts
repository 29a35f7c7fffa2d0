/**
 * Prometheus metrics, one registry per process. Every area records here; `GET /metrics` serves it.
 * Label values are bounded (platform, kind, outcome), never user input.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
// prom-client's defaults are already named `process_…`/`nodejs_…`: the prefix is only ours, not doubled.
collectDefaultMetrics({ register: registry, prefix: 'callsheet_' });

export const metrics = {
  syncDuration: new Histogram({
    name: 'callsheet_sync_duration_seconds',
    help: 'Duration of one sync of one source',
    labelNames: ['source_kind', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  }),
  syncChanges: new Counter({
    name: 'callsheet_sync_entities_changed_total',
    help: 'Entities added, updated or removed by syncs',
    labelNames: ['change'] as const,
    registers: [registry],
  }),
  entities: new Gauge({ name: 'callsheet_entities', help: 'Entities in the catalog by kind', labelNames: ['kind'] as const, registers: [registry] }),
  problems: new Gauge({ name: 'callsheet_sync_problems', help: 'Open sync problems (latest run of each source)', registers: [registry] }),
  commands: new Counter({
    name: 'callsheet_commands_total',
    help: 'Commands answered',
    labelNames: ['platform', 'command', 'outcome'] as const,
    registers: [registry],
  }),
  commandDuration: new Histogram({
    name: 'callsheet_command_duration_seconds',
    help: 'Time to answer a command',
    labelNames: ['platform', 'command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [registry],
  }),
  answersQueued: new Gauge({
    name: 'callsheet_answers_queued',
    help: 'Chat commands acknowledged and waiting for a free answer slot (a growing value means more requests than answers per second)',
    labelNames: ['platform'] as const,
    registers: [registry],
  }),
  chatApiCalls: new Counter({
    name: 'callsheet_chat_api_calls_total',
    help: 'Outgoing chat and GitHub API calls',
    labelNames: ['platform', 'method', 'outcome'] as const,
    registers: [registry],
  }),
  chatRateLimited: new Counter({
    name: 'callsheet_chat_api_rate_limited_total',
    help: 'Outgoing API calls answered 429 (or a secondary rate limit)',
    labelNames: ['platform'] as const,
    registers: [registry],
  }),
  tasks: new Counter({ name: 'callsheet_scaffolder_tasks_total', help: 'Scaffolder tasks finished', labelNames: ['outcome'] as const, registers: [registry] }),
  nudges: new Counter({ name: 'callsheet_nudge_deliveries_total', help: 'Nudge digests by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
  httpRequests: new Histogram({
    name: 'callsheet_http_request_duration_seconds',
    help: 'HTTP requests served',
    labelNames: ['route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 3],
    registers: [registry],
  }),
  apiCacheBytes: new Gauge({ name: 'callsheet_api_cache_bytes', help: 'Bytes held by the catalog API answer cache (bounded by API_CACHE_MB)', registers: [registry] }),
  apiCacheLookups: new Counter({
    name: 'callsheet_api_cache_lookups_total',
    help: 'Catalog API cache look-ups: hit, miss, or bypass (change feed not confirmed, read from the database)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  apiCacheEntries: new Gauge({ name: 'callsheet_api_cache_entries', help: 'Entries in the catalog API answer cache', registers: [registry] }),
  apiAnswerCacheBytes: new Gauge({ name: 'callsheet_api_answer_cache_bytes', help: 'Bytes held by the whole-answer cache of GET /entities and /entities/by-query (bounded by API_ANSWER_CACHE_MB)', registers: [registry] }),
  apiAnswerCacheLookups: new Counter({
    name: 'callsheet_api_answer_cache_lookups_total',
    help: 'Whole-answer cache look-ups of the catalog fast path: hit, miss, or bypass (change feed not confirmed)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  apiAnswerCacheEntries: new Gauge({ name: 'callsheet_api_answer_cache_entries', help: 'Entries in the whole-answer cache', registers: [registry] }),
};
