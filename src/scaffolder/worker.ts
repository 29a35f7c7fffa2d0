/**
 * The worker loop every replica runs: mark tasks whose runner died as failed (and tell their
 * requesters), claim the next open task, run it with a heartbeat, record each step, finish it.
 */
import { metrics } from '../metrics.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { entities } from '../db/schema.js';
import { eq } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import type { TaskNotifier } from './notifier.js';
import { runTask, type RunnerDeps } from './runner.js';
import { claimTask, failStaleTasks, finishTask, getTask, heartbeat, saveSteps, type TaskRecord } from './tasks.js';
import { retryTransient } from '../db/transient.js';
import { accessTo, groupsOf, loadTemplate, localTemplateDir, locateWith, type LocatedTemplate } from './templates.js';
import { secretStrings, withSecrets } from './service.js';

export interface WorkerOptions extends RunnerDeps {
  db: Db;
  workerId: string;
  notifier: TaskNotifier;
  /** How often an idle worker looks for work. */
  pollMs?: number;
  heartbeatMs?: number;
  /** A running task whose heartbeat is older than this is considered interrupted. */
  staleAfterMs?: number;
}

export interface Worker {
  /** Recovers interrupted tasks, then polls until stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs at most one task; true when one ran. */
  runOnce(): Promise<boolean>;
  /** Marks interrupted tasks failed and notifies; returns how many. */
  recover(): Promise<number>;
  /** Look for work now (after a task was created on this replica). */
  wake(): void;
}

export function createWorker(options: WorkerOptions): Worker {
  const { db, clock, logger, workerId, notifier } = options;
  const pollMs = options.pollMs ?? 2000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const staleAfterMs = options.staleAfterMs ?? Math.max(60_000, heartbeatMs * 6);
  const locate = options.locateTemplate ?? localTemplateDir;
  let running = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;

  async function notify(kind: 'progress' | 'finished', task: TaskRecord) {
    if (kind === 'finished') metrics.tasks.inc({ outcome: task.status });
    try {
      await notifier[kind](task);
    } catch (error) {
      logger.warn({ err: error, task: task.id }, `scaffolder notifier failed (${kind})`);
    }
  }

  // Database calls retried through a failover or a killed backend, so a task's work is not dropped.
  const retry = <T>(what: string, work: () => Promise<T>) =>
    retryTransient(work, { attempts: 6, baseDelayMs: 500, maxDelayMs: 5_000, onRetry: (error, attempt) => logger.warn({ err: String(error), attempt }, `scaffolder: ${what} hit a transient database error; retrying`) });

  /** Records the end; a retry after a lost reply finds it already recorded, and says so. */
  async function finish(task: TaskRecord, result: Parameters<typeof finishTask>[3]): Promise<TaskRecord | undefined> {
    let attempts = 0;
    return retry('finishing a task', async () => {
      attempts++;
      const done = await finishTask(db, task.id, workerId, result, clock.now());
      if (done || attempts === 1) return done;
      const current = await getTask(db, task.id);
      return current && current.claimedBy === workerId && current.status === result.status ? current : undefined;
    });
  }

  async function recover(): Promise<number> {
    const failed = await retry('recovering interrupted tasks', () => failStaleTasks(db, staleAfterMs));
    for (const task of failed) {
      logger.warn({ task: task.id, claimedBy: task.claimedBy }, 'scaffolder task interrupted; marked failed');
      await notify('finished', task);
    }
    return failed.length;
  }

  async function execute(task: TaskRecord): Promise<void> {
    const fail = async (error: string) => {
      const done = await finish(task, { status: 'failed', steps: task.steps, error });
      if (done) await notify('finished', done);
    };
    const template = await retry('loading the template', () => loadTemplate(db, task.templateRef));
    if (!template) return fail(`The template ${task.templateRef} is no longer in the catalog.`);
    // Checked again at run time: the template's source or the requester's groups may have changed.
    const access = accessTo(template, task.requester, await retry('reading groups', () => groupsOf(db, task.requester.userRef)));
    if (!access.ok) return fail(access.message);
    let located: LocatedTemplate;
    try {
      located = await locateWith(locate, template);
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    const userRef = task.requester.userRef;
    const [user] = userRef ? await retry('reading the user', () => db.select({ entity: entities.entity }).from(entities).where(eq(entities.ref, userRef.toLowerCase()))) : [];
    const beat = setInterval(() => {
      heartbeat(db, task.id, workerId).catch((error) => logger.warn({ err: error, task: task.id }, 'scaffolder heartbeat failed'));
    }, heartbeatMs);
    beat.unref();
    try {
      const result = await runTask(
        {
          taskId: task.id,
          template,
          templateDir: located.dir,
          values: withSecrets(task.values, task.secrets),
          user: { ...(user ? { entity: user.entity } : {}), ...(userRef ? { ref: userRef } : {}) },
          secretValues: secretStrings(task.secrets),
          report: async (steps) => {
            const saved = await retry('saving progress', () => saveSteps(db, task.id, workerId, steps));
            if (saved) await notify('progress', saved);
          },
        },
        options,
      );
      const done = await finish(task, result.status === 'completed' ? { status: 'completed', steps: result.steps, outputs: result.outputs } : { status: 'failed', steps: result.steps, error: result.error });
      if (done) await notify('finished', done);
      else logger.warn({ task: task.id }, 'scaffolder task finished after it was declared interrupted; result not recorded');
    } finally {
      clearInterval(beat);
      await located.release().catch((error: unknown) => logger.warn({ err: error, task: task.id }, 'could not remove the template files of the task'));
    }
  }

  async function runOnce(): Promise<boolean> {
    const task = await retry('claiming a task', () => claimTask(db, workerId, clock.now()));
    if (!task) return false;
    logger.info({ task: task.id, template: task.templateRef }, 'scaffolder task claimed');
    try {
      await execute(task);
    } catch (error) {
      logger.error({ err: error, task: task.id }, 'scaffolder task crashed');
      const done = await finish(task, { status: 'failed', steps: task.steps, error: 'The task stopped on an internal error.' }).catch(() => undefined);
      if (done) await notify('finished', done);
    }
    return true;
  }

  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, pollMs);
    }).finally(() => {
      wakeUp = undefined;
      if (timer) clearTimeout(timer);
    });

  return {
    recover,
    runOnce,
    wake: () => wakeUp?.(),
    async start() {
      if (running) return;
      running = true;
      await recover();
      loop = (async () => {
        while (running) {
          try {
            await recover();
            while (running && (await runOnce()));
          } catch (error) {
            logger.error({ err: error }, 'scaffolder worker loop failed; retrying');
          }
          if (running) await sleep();
        }
      })();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
