import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/cli/progress.js';

const step = (filesRead: number) => ({ sourceId: 'file:///catalog', filesRead, entitiesWritten: filesRead * 10 });

describe('sync progress (issue 18)', () => {
  it('on a terminal rewrites one line, at most every 100 ms, and clears it when done', () => {
    let t = 0;
    const written: string[] = [];
    const reporter = progressReporter({ tty: true, write: (s) => written.push(s), line: () => expect.fail('no log lines on a terminal'), now: () => t });
    t = 50;
    reporter.listener(step(1));
    t = 150;
    reporter.listener(step(2));
    t = 200;
    reporter.listener(step(3));
    t = 300;
    reporter.listener(step(4));
    reporter.done();
    reporter.listener(step(5));
    expect(written).toEqual([
      '\r\x1b[2Ksyncing file:///catalog: 2 files read, 20 entities written',
      '\r\x1b[2Ksyncing file:///catalog: 4 files read, 40 entities written',
      '\r\x1b[2K',
    ]);
  });

  it('off a terminal writes a whole line every interval, with the time so far', () => {
    let t = 0;
    const lines: string[] = [];
    const reporter = progressReporter({ tty: false, write: () => expect.fail('no in-place writes off a terminal'), line: (s) => lines.push(s), everyMs: 5000, now: () => t });
    for (t = 1000; t <= 12_000; t += 1000) reporter.listener(step(t / 1000));
    reporter.done();
    expect(lines).toEqual(['syncing file:///catalog: 5 files read, 50 entities written (5 s)', 'syncing file:///catalog: 10 files read, 100 entities written (10 s)']);
  });
});
