/**
 * Scaffolder runs as rows in `scaffolder_tasks`, so that any replica may run them and a restart
 * loses none. A worker claims the oldest open task with `FOR UPDATE SKIP LOCKED` (two replicas never
 * claim the same one), heartbeats while it runs, and only the claimant may record progress or finish.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { scaffolderTasks, type TaskSecret } from '../db/schema.js';
import type { Requester } from '../reply/requester.js';

export type TaskStatus = 'open' | 'processing' | 'completed' | 'failed';
export type StepStatus = 'open' | 'processing' | 'completed' | 'skipped' | 'failed';

export interface StepRecord {
  id: string;
  name: string;
  action: string;
  status: StepStatus;
  log: string[];
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

export interface TaskOutputs {
  links?: { title?: string; url?: string; entityRef?: string; icon?: string }[];
  text?: { title?: string; content?: string }[];
  [key: string]: unknown;
}

export type { TaskSecret };

export interface TaskRecord {
  id: string;
  templateRef: string;
  requester: Requester;
  /** The form's values without its password fields (those are in `secrets`). */
  values: Record<string, unknown>;
  /** Password fields' values while the task may still run; null once it has ended. */
  secrets: TaskSecret[] | null;
  status: TaskStatus;
  claimedBy: string | null;
  heartbeatAt: Date | null;
  steps: StepRecord[];
  outputs: TaskOutputs | null;
  error: string | null;
  replyTo: Record<string, unknown> | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

type Row = typeof scaffolderTasks.$inferSelect;

function toRecord(row: Row): TaskRecord {
  return {
    ...row,
    requester: row.requester as unknown as Requester,
    status: row.status as TaskStatus,
    steps: (row.steps ?? []) as StepRecord[],
    outputs: (row.outputs ?? null) as TaskOutputs | null,
    secrets: row.secrets ?? null,
  };
}

export interface NewTask {
  templateRef: string;
  requester: Requester;
  values: Record<string, unknown>;
  /** Password fields' values, stored apart from `values` and cleared when the task ends. */
  secrets?: TaskSecret[];
  /** Where progress goes (platform, channel, message id); adapters decide its shape. */
  replyTo?: Record<string, unknown>;
  /** The template's steps, so the progress list can show what is still to come. */
  steps?: Pick<StepRecord, 'id' | 'name' | 'action'>[];
}

export async function createTask(db: Db, task: NewTask, now: Date): Promise<TaskRecord> {
  const [row] = await db
    .insert(scaffolderTasks)
    .values({
      id: randomUUID(),
      templateRef: task.templateRef,
      requester: task.requester as unknown as Record<string, unknown>,
      values: task.values,
      secrets: task.secrets?.length ? task.secrets : null,
      status: 'open',
      steps: (task.steps ?? []).map((s) => ({ ...s, status: 'open', log: [] })),
      replyTo: task.replyTo ?? null,
      createdAt: now,
    })
    .returning();
  return toRecord(row);
}

export async function getTask(db: Db, id: string): Promise<TaskRecord | undefined> {
  const [row] = await db.select().from(scaffolderTasks).where(eq(scaffolderTasks.id, id));
  return row ? toRecord(row) : undefined;
}

/** Claims the oldest open task for `workerId`; undefined when there is none. */
export async function claimTask(db: Db, workerId: string, now: Date): Promise<TaskRecord | undefined> {
  const rows = await query<{ id: string }>(
    db,
    sql`update scaffolder_tasks
        set status = 'processing', claimed_by = ${workerId}, heartbeat_at = now(), started_at = ${now.toISOString()}::timestamptz
        where id = (
          select id from scaffolder_tasks where status = 'open'
          order by created_at, id limit 1
          for update skip locked
        )
        returning id`,
  );
  return rows[0] ? getTask(db, rows[0].id) : undefined;
}

function mine(id: string, workerId: string) {
  return and(eq(scaffolderTasks.id, id), eq(scaffolderTasks.claimedBy, workerId), eq(scaffolderTasks.status, 'processing'));
}

/**
 * Heartbeats are written, and judged (failStaleTasks), by the database's `now()`: a replica whose
 * clock runs fast or slow must neither look dead nor declare a healthy one dead.
 */
const dbNow = sql`now()`;

/** False when the task is no longer ours (another replica declared it interrupted). */
export async function heartbeat(db: Db, id: string, workerId: string): Promise<boolean> {
  const rows = await db.update(scaffolderTasks).set({ heartbeatAt: dbNow }).where(mine(id, workerId)).returning({ id: scaffolderTasks.id });
  return rows.length === 1;
}

export async function saveSteps(db: Db, id: string, workerId: string, steps: StepRecord[]): Promise<TaskRecord | undefined> {
  const [row] = await db.update(scaffolderTasks).set({ steps, heartbeatAt: dbNow }).where(mine(id, workerId)).returning();
  return row ? toRecord(row) : undefined;
}

export async function finishTask(
  db: Db,
  id: string,
  workerId: string,
  result: { status: 'completed' | 'failed'; steps: StepRecord[]; outputs?: TaskOutputs; error?: string },
  now: Date,
): Promise<TaskRecord | undefined> {
  const [row] = await db
    .update(scaffolderTasks)
    .set({ status: result.status, steps: result.steps, outputs: result.outputs ?? null, error: result.error ?? null, finishedAt: now, heartbeatAt: dbNow, secrets: null })
    .where(mine(id, workerId))
    .returning();
  return row ? toRecord(row) : undefined;
}

export const INTERRUPTED = 'Interrupted: the Callsheet instance running this task stopped before it finished. Nothing was retried; start it again with create.';

/**
 * Marks as failed every running task whose heartbeat is older than `staleAfterMs` by the database's
 * clock and returns them, each exactly once even when several replicas look at the same time.
 */
export async function failStaleTasks(db: Db, staleAfterMs: number): Promise<TaskRecord[]> {
  const rows = await db
    .update(scaffolderTasks)
    .set({ status: 'failed', error: INTERRUPTED, finishedAt: dbNow, secrets: null })
    .where(and(eq(scaffolderTasks.status, 'processing'), lt(scaffolderTasks.heartbeatAt, sql`now() - ${`${Math.round(staleAfterMs)} milliseconds`}::interval`)))
    .returning();
  return rows.map(toRecord);
}
