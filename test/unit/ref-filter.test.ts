import { describe, expect, it } from 'vitest';
import { RefFilter } from '../../src/catalog/seen-refs.js';

describe('RefFilter (the refs a first sync has written)', () => {
  it('never says no to a ref it was given, and rarely says maybe to one it was not', () => {
    const filter = new RefFilter();
    for (let i = 0; i < 200_000; i++) filter.add(`component:default/component-${i}`);
    for (let i = 0; i < 200_000; i++) expect(filter.mayHave(`component:default/component-${i}`)).toBe(true);
    let maybe = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mayHave(`component:default/other-${i}`)) maybe++;
    expect(maybe).toBeLessThan(200);
  });
});
