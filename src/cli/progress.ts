/**
 * Shows a long sync as it goes (issue 18): on a terminal one line rewritten in place, at most ten
 * times a second; otherwise (a log collector, a pipe) one line every `everyMs`, so a first sync of
 * half a million entities does not look like a hung process and does not flood the log either.
 */
import type { ProgressListener, SyncProgress } from '../sync/progress.js';

export interface ProgressReporter {
  listener: ProgressListener;
  /** Ends the in-place line (a terminal) and stops reporting. */
  done(): void;
}

export interface ProgressOptions {
  /** A terminal: `\r`-rewritten line. */
  tty: boolean;
  /** Writes raw text (no newline added). */
  write(text: string): void;
  /** A whole line, for the periodic reports off a terminal (a logger, stderr). */
  line(text: string, progress: SyncProgress): void;
  everyMs?: number;
  now?: () => number;
}

export const describeProgress = (p: SyncProgress) =>
  `syncing ${p.sourceId}: ${p.filesRead.toLocaleString('en-US')} files read, ${p.entitiesWritten.toLocaleString('en-US')} entities written`;

export function progressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const every = options.tty ? 100 : (options.everyMs ?? 5000);
  const started = now();
  let last = started;
  let shown = false;
  let finished = false;
  return {
    listener(p) {
      const t = now();
      if (finished || t - last < every) return;
      last = t;
      if (options.tty) {
        options.write(`\r\x1b[2K${describeProgress(p)}`);
        shown = true;
      } else {
        options.line(`${describeProgress(p)} (${((t - started) / 1000).toFixed(0)} s)`, p);
      }
    },
    done() {
      finished = true;
      if (shown) options.write('\r\x1b[2K');
    },
  };
}
