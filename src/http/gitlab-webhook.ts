/**
 * `POST /gitlab/webhook`: GitLab's push events and project events (system hooks, or group hooks'
 * project events), so the catalog follows a push within seconds. `X-Gitlab-Token` must equal
 * GITLAB_WEBHOOK_SECRET (compared in constant time; without a secret every delivery is refused);
 * the answer goes out at once (202) and the re-sync runs after it; a redelivered event (same
 * `X-Gitlab-Event-UUID`) is done once only, across replicas, by a unique row in `inbound_deliveries`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import express, { type Request, type Response } from 'express';
import { query, type Db } from '../db/client.js';
import type { Logger } from '../logger.js';

/** `path` is the project's full path (`acme/platform/payments-api`). */
export type ProjectCallback = (path: string, reason: string) => Promise<void>;

export interface GitlabWebhookOptions {
  /** GITLAB_WEBHOOK_SECRET; without one every delivery is refused. */
  secret: string | undefined;
  db: Db;
  logger: Logger;
  /** The project's catalog may have changed: re-sync just it. */
  onProjectChanged: ProjectCallback;
  /** The project is gone from where it was (deleted, archived, renamed or moved away). */
  onProjectRemoved: ProjectCallback;
  /** Whether a pushed path may hold catalog entities; default: any .yaml/.yml file. */
  isCatalogPath?: (project: string, path: string) => boolean;
  maxBodyBytes?: number;
  track?: (work: Promise<void>) => void;
  dedupeWindowMs?: number;
}

interface Payload {
  object_kind?: string;
  event_name?: string;
  ref?: string;
  after?: string;
  project?: { path_with_namespace?: string; default_branch?: string };
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  total_commits_count?: number;
  path_with_namespace?: string;
  old_path_with_namespace?: string;
}

export type GitlabWork = { kind: 'changed' | 'removed'; project: string; reason: string };

const defaultCatalogPath = (_project: string, path: string) => /\.ya?ml$/i.test(path);
const DELETED = /^0+$/;

/** What an event means for the catalog; pure, so each rule is testable on its own. */
export function gitlabWorkFor(payload: Payload, isCatalogPath = defaultCatalogPath): GitlabWork[] {
  const kind = payload.object_kind ?? payload.event_name;
  if (kind === 'push') {
    const project = payload.project?.path_with_namespace;
    const branch = payload.project?.default_branch;
    if (!project || !branch || payload.ref !== `refs/heads/${branch}` || DELETED.test(payload.after ?? '')) return [];
    const commits = payload.commits ?? [];
    // GitLab lists at most 20 commits of a push: with more (or none listed), assume the file was touched.
    const partial = commits.length === 0 || (payload.total_commits_count ?? commits.length) > commits.length;
    const touched = partial || commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((p) => isCatalogPath(project, p)));
    return touched ? [{ kind: 'changed', project, reason: 'push' }] : [];
  }
  const path = payload.path_with_namespace;
  if (!path) return [];
  switch (payload.event_name) {
    case 'project_create':
    case 'project_update': // archiving and unarchiving arrive as updates: the re-read tells which
      return [{ kind: 'changed', project: path, reason: payload.event_name }];
    case 'project_destroy':
      return [{ kind: 'removed', project: path, reason: payload.event_name }];
    case 'project_rename':
    case 'project_transfer': {
      const from = payload.old_path_with_namespace;
      return [...(from ? [{ kind: 'removed' as const, project: from, reason: payload.event_name }] : []), { kind: 'changed', project: path, reason: payload.event_name }];
    }
    default:
      return [];
  }
}

/** Constant-time comparison of the shared token (hashed first, so lengths do not leak either). */
export function tokenMatches(secret: string | undefined, given: string | undefined): boolean {
  if (!secret || !given) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(secret), digest(given));
}

async function firstDelivery(db: Db, id: string): Promise<boolean> {
  const rows = await query<{ delivery_id: string }>(db, sql`insert into inbound_deliveries (source, delivery_id) values ('gitlab', ${id}) on conflict do nothing returning delivery_id`);
  return rows.length === 1;
}

export function createGitlabWebhookRouter(options: GitlabWebhookOptions): express.Router {
  const { secret, db } = options;
  const log = options.logger.child({ component: 'gitlab-webhook' });
  const windowMs = options.dedupeWindowMs ?? 7 * 86_400_000;
  let lastPrune = 0;
  const router = express.Router();
  const prune = async () => {
    if (Date.now() - lastPrune < 3_600_000) return;
    lastPrune = Date.now();
    await db.execute(sql`delete from inbound_deliveries where source = 'gitlab' and received_at < now() - ${`${windowMs} milliseconds`}::interval`);
  };

  router.post('/gitlab/webhook', express.raw({ type: () => true, limit: options.maxBodyBytes ?? 1_048_576 }), async (req: Request, res: Response) => {
    if (!tokenMatches(secret, req.get('x-gitlab-token'))) {
      log.warn({ reason: secret ? (req.get('x-gitlab-token') ? 'wrong token' : 'no X-Gitlab-Token') : 'GITLAB_WEBHOOK_SECRET is not set' }, 'GitLab webhook refused');
      res.status(401).json({ error: 'invalid X-Gitlab-Token' });
      return;
    }
    const uuid = req.get('x-gitlab-event-uuid') ?? '';
    if (!/^[A-Za-z0-9-]{1,100}$/.test(uuid)) {
      res.status(400).json({ error: 'missing or malformed X-Gitlab-Event-UUID header' });
      return;
    }
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '') as Payload;
    } catch {
      res.status(400).json({ error: 'body is not JSON' });
      return;
    }
    if (!(await firstDelivery(db, uuid))) {
      res.status(200).json({ ok: true, duplicate: true });
      return;
    }
    const event = req.get('x-gitlab-event') ?? '';
    const work = gitlabWorkFor(payload, options.isCatalogPath);
    res.status(202).json({ ok: true, actions: work.length });
    const done = (async () => {
      for (const w of work) {
        try {
          log.info({ event, uuid, project: w.project, reason: w.reason }, 'GitLab project re-sync');
          await (w.kind === 'changed' ? options.onProjectChanged : options.onProjectRemoved)(w.project, w.reason);
        } catch (e) {
          log.error({ event, uuid, project: w.project, err: e }, 'GitLab webhook follow-up failed');
        }
      }
      await prune().catch((e) => log.warn({ err: e }, 'could not prune old GitLab deliveries'));
    })();
    options.track?.(done);
  });
  return router;
}
