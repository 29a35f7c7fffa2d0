import { describe, expect, it } from 'vitest';
import { RecentAnswers } from '../../adapters/slack/recent.js';

describe('RecentAnswers', () => {
  it('keeps answers (misses too) for the TTL only', () => {
    const recent = new RecentAnswers<string | null>(1000, 10);
    recent.set('a@example.com', 'U1', 0);
    recent.set('b@example.com', null, 0);
    expect(recent.get('a@example.com', 999)).toEqual({ value: 'U1' });
    expect(recent.get('b@example.com', 999)).toEqual({ value: null });
    expect(recent.get('a@example.com', 1000)).toBeUndefined();
    expect(recent.get('c@example.com', 0)).toBeUndefined();
  });

  it('forgets the oldest entry when full, and a re-set entry counts as new', () => {
    const recent = new RecentAnswers<number>(60_000, 2);
    recent.set('a', 1, 0);
    recent.set('b', 2, 0);
    recent.set('a', 3, 1);
    recent.set('c', 4, 2);
    expect(recent.get('b', 3)).toBeUndefined();
    expect(recent.get('a', 3)).toEqual({ value: 3 });
    expect(recent.get('c', 3)).toEqual({ value: 4 });
  });
});
