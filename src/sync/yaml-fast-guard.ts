/**
 * When the js-yaml fast path may be used. It must give exactly the values the `yaml` package gives
 * (Backstage's parser); the scalar types are aligned by yaml-core-schema.ts, and everything whose
 * meaning the two libraries build differently is sent to `yaml` instead. False alarms only cost
 * speed, so these patterns are deliberately broad (they also match inside quoted strings).
 */

// An anchor is `&name` after the start of a line, a space, a flow indicator, `:` or `-`;
// only `yaml` bounds alias expansion.
const ANCHOR = /(^|[\s[{,:-])&[^\s,[\]{}]/m;
// A tag (`!!timestamp`, `!!binary`, `!local`): yaml builds Dates and Buffers, js-yaml's core
// schema knows neither.
const TAG = /(^|[\s[{,:-])!/m;
// A key that resolves to null (`~:`, `null:`, `: x`): yaml names it "", js-yaml "null".
const NULL_KEY = /(^|[\s{[,?-])(?:~|null|Null|NULL)?[ \t]*:(?=[\s,\]}]|$)/m;
// An explicit `? key` (complex keys are stringified differently).
const EXPLICIT_KEY = /(^|[\s{,[])\?(?=[\s]|$)/m;
// A flow collection as a key (`[a]: x`, `{a: 1}: x`): yaml stringifies it as YAML, js-yaml as JS.
const COLLECTION_KEY = /[\]}][ \t]*:(?=[\s,\]}]|$)/m;
// A sequence entry with nothing on its line: the two nest what follows differently.
const BARE_ENTRY = /^[ \t]*-[ \t]*(#.*)?$/m;
// A comment glued to a flow or quoted scalar's end: yaml rejects it, js-yaml reads it.
const GLUED_COMMENT = /[\]}'"]#/;
// Both guard __proto__ keys, each in its own way.
const PROTO = /__proto__/;

/**
 * A quoted scalar that may span lines (a line with an odd number of quotes): js-yaml accepts
 * continuation lines that yaml rejects as under-indented. Apostrophes in plain text trip this too.
 */
function mayHoldMultilineQuote(text: string): boolean {
  if (!text.includes("'") && !text.includes('"')) return false;
  for (const line of text.split('\n')) {
    let single = 0;
    let double = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === "'") single++;
      else if (c === '"' && line[i - 1] !== '\\') double++;
    }
    if (single % 2 === 1 || double % 2 === 1) return true;
  }
  return false;
}

/** Whether the text may go through js-yaml and give the same values as `yaml`. */
export function fastPathSafe(text: string): boolean {
  return !ANCHOR.test(text) && !TAG.test(text) && !NULL_KEY.test(text) && !EXPLICIT_KEY.test(text) && !COLLECTION_KEY.test(text) && !BARE_ENTRY.test(text) && !GLUED_COMMENT.test(text) && !PROTO.test(text) && !mayHoldMultilineQuote(text);
}

/**
 * Whether js-yaml's result holds a key it may have built from a null or collection key ("null",
 * "[object Object]", "a,b"); the guard above should have caught those, this makes sure.
 */
export function hasSuspectKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSuspectKey);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'null' || key.startsWith('[object') || hasSuspectKey(inner)) return true;
  }
  return false;
}
