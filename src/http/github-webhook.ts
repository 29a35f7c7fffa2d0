/**
 * `POST /github/webhook`: GitHub's push and repository events, so the catalog follows a push within
 * seconds. The signature is checked over the raw body before anything else; the answer goes out at
 * once (202) and the re-sync runs after it; a redelivered event (same delivery id) is done once only,
 * across replicas, by a unique row in `inbound_deliveries`.
 */
import { verify } from '@octokit/webhooks-methods';
import { sql } from 'drizzle-orm';
import express, { type Request, type Response } from 'express';
import { query, type Db } from '../db/client.js';
import type { Logger } from '../logger.js';

export type RepositoryCallback = (org: string, repo: string, reason: string) => Promise<void>;

export interface GithubWebhookOptions {
  /** GITHUB_WEBHOOK_SECRET; without one every delivery is refused. */
  secret: string | undefined;
  db: Db;
  logger: Logger;
  /** The repository's catalog may have changed: re-sync just it. */
  onRepositoryChanged: RepositoryCallback;
  /** The repository is gone from the organisation (deleted, archived, renamed or transferred away). */
  onRepositoryRemoved: RepositoryCallback;
  /**
   * Any push to a default branch, with the paths it touched (undefined when GitHub did not list them):
   * sources whose url targets or URL placeholders read files of that repository re-check them.
   */
  onDefaultBranchPush?: (org: string, repo: string, paths: string[] | undefined) => Promise<void>;
  /** Whether a pushed path may hold catalog entities; default: any .yaml/.yml file. */
  isCatalogPath?: (org: string, repo: string, path: string) => boolean;
  /** Largest body accepted; GitHub caps payloads at 25 MB, pushes with file lists stay far below 1 MB. */
  maxBodyBytes?: number;
  /** Receives the work started after answering, so shutdown can wait for it. */
  track?: (work: Promise<void>) => void;
  /** Deliveries older than this are forgotten (GitHub redelivers within days). */
  dedupeWindowMs?: number;
}

const defaultCatalogPath = (_org: string, _repo: string, path: string) => /\.ya?ml$/i.test(path);

interface RepoPayload {
  name?: string;
  default_branch?: string;
  owner?: { login?: string };
}

interface Payload {
  action?: string;
  ref?: string;
  deleted?: boolean;
  repository?: RepoPayload;
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
  changes?: { repository?: { name?: { from?: string } }; owner?: { from?: { organization?: { login?: string }; user?: { login?: string } } } };
}

type Work = { kind: 'changed' | 'removed'; org: string; repo: string; reason: string };

/** What an event means for the catalog; pure, so each rule is testable on its own. */
export function workFor(event: string, payload: Payload, isCatalogPath = defaultCatalogPath): Work[] {
  const repo = payload.repository;
  const org = repo?.owner?.login;
  const name = repo?.name;
  if (!org || !name) return [];
  if (event === 'push') {
    if (payload.ref !== `refs/heads/${repo.default_branch}` || payload.deleted) return [];
    const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
    // GitHub lists at most 2,048 commits (and none for some force pushes): without a list, assume it touched the file.
    const touched = commits.length === 0 || commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((p) => isCatalogPath(org, name, p)));
    return touched ? [{ kind: 'changed', org, repo: name, reason: 'push' }] : [];
  }
  if (event === 'repository') {
    switch (payload.action) {
      case 'created':
      case 'unarchived':
      case 'publicized':
      case 'privatized':
        return [{ kind: 'changed', org, repo: name, reason: `repository ${payload.action}` }];
      case 'archived':
      case 'deleted':
        return [{ kind: 'removed', org, repo: name, reason: `repository ${payload.action}` }];
      case 'renamed': {
        const from = payload.changes?.repository?.name?.from;
        return [...(from ? [{ kind: 'removed' as const, org, repo: from, reason: 'repository renamed' }] : []), { kind: 'changed', org, repo: name, reason: 'repository renamed' }];
      }
      case 'transferred': {
        const previous = payload.changes?.owner?.from?.organization?.login ?? payload.changes?.owner?.from?.user?.login;
        return [...(previous ? [{ kind: 'removed' as const, org: previous, repo: name, reason: 'repository transferred' }] : []), { kind: 'changed', org, repo: name, reason: 'repository transferred' }];
      }
      default:
        return [];
    }
  }
  return [];
}

/** The repository and the paths a push to its default branch touched; undefined for any other event. */
export function defaultBranchPush(event: string, payload: Payload): { org: string; repo: string; paths: string[] | undefined } | undefined {
  const repo = payload.repository;
  if (event !== 'push' || !repo?.owner?.login || !repo.name || payload.ref !== `refs/heads/${repo.default_branch}` || payload.deleted) return undefined;
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  const paths = [...new Set(commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]))];
  return { org: repo.owner.login, repo: repo.name, paths: commits.length ? paths : undefined };
}

/** True the first time a delivery id is seen (on any replica). */
async function firstDelivery(db: Db, deliveryId: string): Promise<boolean> {
  const rows = await query<{ delivery_id: string }>(
    db,
    sql`insert into inbound_deliveries (source, delivery_id) values ('github', ${deliveryId})
        on conflict do nothing returning delivery_id`,
  );
  return rows.length === 1;
}

export function createGithubWebhookRouter(options: GithubWebhookOptions): express.Router {
  const { secret, db, logger } = options;
  const isCatalogPath = options.isCatalogPath ?? defaultCatalogPath;
  const windowMs = options.dedupeWindowMs ?? 7 * 86_400_000;
  const log = logger.child({ component: 'github-webhook' });
  let lastPrune = 0;
  const router = express.Router();

  const prune = async () => {
    if (Date.now() - lastPrune < 3_600_000) return;
    lastPrune = Date.now();
    await db.execute(sql`delete from inbound_deliveries where source = 'github' and received_at < now() - ${`${windowMs} milliseconds`}::interval`);
  };

  router.post(
    '/github/webhook',
    express.raw({ type: () => true, limit: options.maxBodyBytes ?? 1_048_576 }),
    async (req: Request, res: Response) => {
      const signature = req.get('x-hub-signature-256');
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      let valid = false;
      if (secret && signature) {
        try {
          valid = await verify(secret, body, signature);
        } catch {
          valid = false;
        }
      }
      if (!valid) {
        log.warn({ reason: secret ? (signature ? 'bad signature' : 'no signature') : 'GITHUB_WEBHOOK_SECRET is not set' }, 'GitHub webhook refused');
        res.status(401).json({ error: 'invalid signature' });
        return;
      }
      const event = req.get('x-github-event') ?? '';
      const deliveryId = req.get('x-github-delivery') ?? '';
      if (event === 'ping') {
        res.status(200).json({ ok: true });
        return;
      }
      if (!/^[A-Za-z0-9-]{1,100}$/.test(deliveryId)) {
        res.status(400).json({ error: 'missing or malformed X-GitHub-Delivery header' });
        return;
      }
      let payload: Payload;
      try {
        payload = JSON.parse(body) as Payload;
      } catch {
        res.status(400).json({ error: 'body is not JSON' });
        return;
      }
      if (!(await firstDelivery(db, deliveryId))) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      const work = workFor(event, payload, isCatalogPath);
      res.status(202).json({ ok: true, actions: work.length });
      const done = (async () => {
        for (const w of work) {
          try {
            log.info({ event, deliveryId, org: w.org, repo: w.repo, reason: w.reason }, 'GitHub repository re-sync');
            await (w.kind === 'changed' ? options.onRepositoryChanged : options.onRepositoryRemoved)(w.org, w.repo, w.reason);
          } catch (e) {
            log.error({ event, deliveryId, org: w.org, repo: w.repo, err: e }, 'GitHub webhook follow-up failed');
          }
        }
        const push = options.onDefaultBranchPush ? defaultBranchPush(event, payload) : undefined;
        if (push) {
          await options.onDefaultBranchPush!(push.org, push.repo, push.paths).catch((e: unknown) =>
            log.error({ event, deliveryId, org: push.org, repo: push.repo, err: e }, 're-reading url targets after a push failed'),
          );
        }
        await prune().catch((e) => log.warn({ err: e }, 'could not prune old GitHub deliveries'));
      })();
      options.track?.(done);
    },
  );
  return router;
}
