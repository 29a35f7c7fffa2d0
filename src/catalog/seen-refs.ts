/**
 * The refs a write has defined so far, and the file that defined each first: how the store tells a
 * second definition of a ref (a duplicate) from the first, and, at the end, what it no longer has.
 *
 * Into an empty catalog every stored row is one this write made, so the database already knows each
 * ref's first file: there only a filter (a few megabytes, never a false "no") is kept in memory, and
 * the refs it may have seen are looked up among the rows written. At 500,000 entities the map of
 * every ref was the largest thing a first sync held, and the heap grew to a multiple of it.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { textArray } from '../db/copy.js';

/** A Bloom filter over strings: `mayHave` is never false for a string added. */
export class RefFilter {
  // 2^24 bits (2 MB): at 500,000 refs and 5 probes, about one false "maybe" in 700.
  private readonly bits = new Uint32Array(1 << 19);
  private readonly mask = (1 << 24) - 1;

  /** Two 32-bit FNV-1a hashes (different offsets) for double hashing. */
  private hashes(text: string): [number, number] {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    return [a >>> 0, (b >>> 0) | 1];
  }

  add(text: string): void {
    const [a, b] = this.hashes(text);
    for (let k = 0; k < 5; k++) {
      const bit = (a + k * b) & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayHave(text: string): boolean {
    const [a, b] = this.hashes(text);
    for (let k = 0; k < 5; k++) {
      const bit = (a + k * b) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

export interface SeenRefs {
  /** Ref -> first file, for the refs of a chunk about to be written that earlier chunks defined. */
  earlier(refs: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** A ref this write defines, in the chunk being decided (the same chunk's refs are known at once). */
  add(ref: string, filePath: string): void;
  /** Every ref defined, with its file, for what comes after the chunks (absent into an empty catalog). */
  all?: ReadonlyMap<string, string>;
}

/** Everything in memory: a write into a catalog that held rows before it. */
export function seenInMemory(): SeenRefs & { all: Map<string, string> } {
  const all = new Map<string, string>();
  // Each record carries its own copy of its file's path; the map keeps one per file.
  let lastPath = '';
  return {
    all,
    earlier: async () => all,
    add: (ref, filePath) => void all.set(ref, filePath === lastPath ? lastPath : (lastPath = filePath)),
  };
}

/**
 * A write into an empty catalog: every row stored was written by it (earlier chunks, same
 * transaction), so a ref the filter may have seen is asked of the rows themselves.
 */
export function seenInDatabase(tx: Db): SeenRefs {
  const filter = new RefFilter();
  // Refs of the chunk being decided, not yet written.
  let chunk = new Map<string, string>();
  return {
    async earlier(refs) {
      chunk = new Map();
      const maybe = refs.filter((ref) => filter.mayHave(ref));
      if (!maybe.length) return chunk;
      const rows = await query<{ ref: string; file_path: string }>(tx, sql`select ref, file_path from entities where ref = any(${textArray(maybe)}::text[])`);
      for (const row of rows) chunk.set(row.ref, row.file_path);
      return chunk;
    },
    add(ref, filePath) {
      chunk.set(ref, filePath);
      filter.add(ref);
    },
  };
}
