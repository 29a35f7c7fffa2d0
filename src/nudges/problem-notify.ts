/**
 * Tells owners, within one pass after a sync, about each new problem on their catalog files and
 * again when it clears. Recipients: the owners of the entities the file holds (or held, as the sync
 * recorded; for a file that never held one, the owners it names or its CODEOWNERS), routed as digests are (team channel, else members' DMs, else the fallback channel),
 * plus whoever watches those entities. Each message is claimed in the ledger first (problem-claims.ts).
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entities, watches } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Reply } from '../reply/reply.js';
import { drainClaims, sendToRoutes } from './claim-loop.js';
import { claimProblems, markProblemSent, reconcileProblems, releaseProblem, type ProblemRow } from './problem-claims.js';
import type { DigestSender, MemberDirectory, Route } from './ports.js';
import { planAllRoutes, storedIdentityDirectory, type Fallback } from './route.js';

export interface ProblemNotifierDeps {
  db: Db;
  logger: Logger;
  senders: DigestSender[];
  directories?: MemberDirectory[];
  fallback?: Fallback;
  /** This replica's claim name. */
  me: string;
  /** A claim older than this (Postgres interval) is taken over; default 5 minutes. */
  claimTimeout?: string;
  /** Attempts before a message is given up on (logged), so one bad route does not retry forever. */
  maxAttempts?: number;
  /** Owners of a file that holds no entity: those it names, else its CODEOWNERS (problem-file-owners.ts). */
  fileOwners?: (sourceId: string, filePath: string) => Promise<string[]>;
}

const EDIT_ANNOTATIONS = ['backstage.io/edit-url', 'backstage.io/view-url', 'backstage.io/source-location'];

interface FileFacts {
  owners: string[];
  entityRefs: string[];
  editUrl?: string;
}

/** Owners, entities and the best edit link of what the file holds now. */
async function factsOf(db: Db, row: ProblemRow): Promise<FileFacts> {
  const held = await db
    .select({ ref: entities.ref, ownerRef: entities.ownerRef, kind: entities.kind, entity: entities.entity, fileUrl: entities.fileUrl })
    .from(entities)
    .where(or(and(eq(entities.sourceId, row.source_id), eq(entities.filePath, row.file_path)), eq(entities.ref, row.entity_ref ?? '')));
  const owners = new Set<string>();
  if (row.owner_ref) owners.add(row.owner_ref);
  let editUrl: string | undefined;
  for (const e of held) {
    const owner = e.ownerRef ?? (e.kind === 'group' ? e.ref : undefined);
    if (owner) owners.add(owner);
    const annotations = ((e.entity.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {}) as Record<string, string>;
    for (const key of EDIT_ANNOTATIONS) {
      const raw = annotations[key]?.replace(/^url:/, '');
      if (!editUrl && raw && /^https?:\/\//.test(raw)) editUrl = raw;
    }
    editUrl ??= e.fileUrl ?? undefined;
  }
  return { owners: [...owners], entityRefs: [...new Set([...held.map((e) => e.ref), ...(row.entity_ref ? [row.entity_ref] : [])])], editUrl };
}

export function problemReply(row: ProblemRow, kind: 'problem' | 'fixed', editUrl?: string): Reply {
  const where = `${row.file_path}${row.line !== null ? `:${row.line}` : ''}`;
  const header = kind === 'problem' ? `Catalog problem in ${where}` : `Fixed: catalog problem in ${where}`;
  return {
    summary: `${header}: ${row.message}`,
    header,
    sections: [
      { text: [{ type: 'code', text: where }, ` ${row.message}`] },
      ...(editUrl ? [{ text: [{ type: 'link' as const, text: kind === 'problem' ? 'Edit the file' : 'View the file', url: editUrl }] }] : []),
    ],
    context: [[`Source: ${row.source_id}`]],
  };
}

/** Routes to every owner (fallback when none can be reached) and every watcher, each target once. */
async function routesFor(d: ProblemNotifierDeps, facts: FileFacts): Promise<Route[]> {
  const directories = d.directories ?? d.senders.map((s) => storedIdentityDirectory(d.db, s.platform));
  const routes: Route[] = [];
  if (facts.owners.length > 0) {
    const plans = await planAllRoutes(d.db, facts.owners, directories, d.fallback);
    for (const plan of plans.values()) routes.push(...plan.routes);
  } else if (d.fallback) routes.push({ ...d.fallback, kind: 'fallback', reason: 'no owner found for the file' });
  if (facts.entityRefs.length > 0) {
    const watchers = await d.db.select().from(watches).where(inArray(watches.targetRef, [...facts.entityRefs, ...facts.owners]));
    for (const w of watchers) routes.push({ platform: w.platform, kind: 'dm', target: w.chatId, reason: `${w.watcher} watches ${w.targetRef}` });
  }
  const seen = new Set<string>();
  return routes.filter((r) => !seen.has(`${r.platform}:${r.target}`) && seen.add(`${r.platform}:${r.target}`));
}

async function deliver(d: ProblemNotifierDeps, row: ProblemRow): Promise<void> {
  const kind = row.notified_at === null ? 'problem' : 'fixed';
  const facts = await factsOf(d.db, row);
  if (facts.owners.length === 0 && d.fileOwners) facts.owners = await d.fileOwners(row.source_id, row.file_path);
  const routes = await routesFor(d, facts);
  const key = `problem:${row.id}:${new Date(row.first_seen_at).getTime()}:${kind}`;
  await sendToRoutes(d.senders, routes, problemReply(row, kind, facts.editUrl), row.attempts, { runId: 0, teamRef: facts.owners[0] ?? 'unowned', key });
  if (routes.length === 0) d.logger.warn({ file: row.file_path, source: row.source_id }, 'catalog problem has no one to tell (set NUDGE_FALLBACK_CHANNEL)');
}

/** One pass: reconcile the ledger with the sync's problems, then send what this replica claimed. */
export async function notifyProblems(d: ProblemNotifierDeps): Promise<{ sent: number; failed: number }> {
  await reconcileProblems(d.db);
  return drainClaims<ProblemRow>({
    logger: d.logger,
    what: 'catalog problem notification',
    maxAttempts: d.maxAttempts ?? 5,
    claim: () => claimProblems(d.db, d.me, d.claimTimeout ?? '5 minutes'),
    deliver: (row) => deliver(d, row),
    done: (row) => markProblemSent(d.db, d.me, row, row.notified_at === null ? 'problem' : 'fixed'),
    release: (row) => releaseProblem(d.db, d.me, row),
    describe: (row) => ({ file: row.file_path, source: row.source_id }),
  });
}

/**
 * Runs a pass every `intervalMs` (never two at once in one replica) until stopped; `after` runs in
 * each pass once problems are sent (watch DMs: they follow the same syncs).
 */
export function startProblemNotifier(d: ProblemNotifierDeps, intervalMs: number, after: Array<() => Promise<unknown>> = []): { stop(): Promise<void>; runNow(): Promise<void> } {
  let running: Promise<void> | undefined;
  const pass = () =>
    (running ??= notifyProblems(d)
      .then(async () => {
        for (const next of after) await next();
      })
      .catch((err: unknown) => d.logger.warn({ err }, 'catalog problem notifications failed'))
      .finally(() => (running = undefined)));
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return {
    runNow: pass,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
