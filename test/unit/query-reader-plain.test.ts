/**
 * queryReader's plain reading (api-params.ts) gives exactly what zod gives for every well-formed
 * query, and leaves anything else to zod, which words the error; the list ETag is the same hash as
 * before it was computed in one call.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { integer, queryReader, strings } from '../../src/http/api-params.js';
import { listEtag } from '../../src/http/catalog-api-context.js';

const shape = { filter: strings.optional(), limit: integer('limit').optional(), after: z.string().optional(), totalItems: z.enum(['include', 'exclude']).optional() };
const zodOnly = queryReader(shape);
const plain = queryReader(shape, { filter: 'strings', limit: 'integer', after: 'string', totalItems: ['include', 'exclude'] });

const outcome = (read: typeof plain, query: Record<string, unknown>) => {
  try {
    return { ok: read({ query }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('queryReader with a plain shape', () => {
  it('reads well-formed queries as zod does, and words malformed ones as zod does', () => {
    const queries: Array<Record<string, unknown>> = [
      {},
      { filter: 'kind=component' },
      { filter: ['kind=component', 'kind=api'], limit: '10', after: 'abc', totalItems: 'exclude' },
      { limit: '0' },
      { limit: '-1' },
      { limit: '1.5' },
      { limit: '99999999999999999999' },
      { limit: ['1', '2'] },
      { after: ['a', 'b'] },
      { totalItems: 'some' },
      { filter: '' },
      { nope: 'x' },
    ];
    for (const query of queries) expect(outcome(plain, query)).toEqual(outcome(zodOnly, query));
    expect(outcome(plain, { limit: '-1' }).error).toMatch(/limit/);
  });

  it('hashes a list ETag as the step-by-step hash did', () => {
    const bodies = [{ ref: 'a', etag: 'e1', body: Buffer.from('{}') }, undefined, { ref: 'b', etag: 'e2', body: Buffer.from('{}') }];
    const step = createHash('sha1');
    for (const b of bodies) step.update(b ? b.etag : '-').update(',');
    for (const e of ['/url', 'tail']) step.update('|').update(e);
    expect(listEtag(bodies, '/url', 'tail')).toBe(`W/"${step.digest('base64url')}"`);
  });
});
