/**
 * Every replica runs the schedule; the run of each slot is claimed in Postgres (see run.ts), so only
 * one replica sends it, and only once the database's clock has reached the slot (a replica whose own
 * clock runs fast fires early, and waits). Replicas also look for runs whose holder died or released
 * them, every `resumeEveryMs`, and finish them.
 */
import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { NudgeRunner } from './run.js';

/** The slot of a scheduled time: the same string on every replica for the same firing. */
export function slotOf(scheduledAt: Date): string {
  return `schedule:${scheduledAt.toISOString().slice(0, 19)}Z`;
}

export interface SchedulerOptions {
  runner: NudgeRunner;
  schedule: string;
  timezone: string;
  logger: Logger;
  /** How often to look for runs to resume. */
  resumeEveryMs?: number;
}

export function startNudgeScheduler(options: SchedulerOptions): { stop(): Promise<void> } {
  const { runner, logger } = options;
  const fail = (what: string) => (err: unknown) => logger.error({ err }, what);
  const task = cron.schedule(
    options.schedule,
    async (context) => {
      const at = new Date(Math.floor(context.date.getTime() / 1000) * 1000);
      await runner.runSlot(slotOf(at), { notBefore: at }).catch(fail('nudge run failed'));
    },
    { timezone: options.timezone, name: 'callsheet-nudges', noOverlap: true },
  );
  const resume = () => void runner.resumeStale().catch(fail('resuming nudge runs failed'));
  resume();
  const timer = setInterval(resume, options.resumeEveryMs ?? 2_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await task.stop();
      await runner.stop();
    },
  };
}
