import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slugify } from './index.js';

test('slugify makes dash-separated lower-case words', () => {
  assert.equal(slugify('  Hello, World!  '), 'hello-world');
});
