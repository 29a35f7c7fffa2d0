/**
 * Files outside a source that its Locations (`type: url` targets) and placeholders (`$text: https://…`)
 * name. They are part of what a sync reads, so they are part of its freshness: each file read is
 * stamped (ETag and content hash) in the source's state, and before every sync each stamp is checked
 * with a conditional GET (a `304` costs GitHub's rate limit nothing). A file whose stamp no longer
 * holds is re-read with the files that name it, even when the source itself did not change, so an
 * incremental sync ends where a fresh one would. A stamp moves on only when the file was read into the
 * catalog; a failed read is stamped as failed, so the next sync tries again (and until then the
 * Location keeps what the file gave before, with a problem saying why).
 */
import { createHash } from 'node:crypto';
import type { UrlFetch, UrlFileReader } from '../github/url-files.js';

/** Key of a source's stored state: tree-prefixed URL -> its stamp. */
export const REMOTE_STATE_KEY = 'remote';

/** `e`: ETag, `h`: sha-256 of the text (`-` when the file did not exist), `f`: the read failed. */
export interface RemoteStamp {
  e?: string;
  h?: string;
  f?: 1;
}
export type RemoteStamps = Record<string, RemoteStamp>;

/** What the reader of one tree is given: a refusal to explain, or the file's text (undefined: 404). */
export interface RemoteFiles {
  /** False when nothing reads URLs for this source: then every URL is refused as unavailable. */
  readable: boolean;
  refusal(url: string): string | undefined;
  read(url: string): Promise<string | undefined>;
  /** Last commit time of a catalog file read through `read` (known once it was read). */
  committedAt?(url: string): Date | undefined;
}

const URL_START = /https?:\/\//i;
/** Files that may hold entities get their last commit time; others (`$text` targets) need none. */
const HOLDS_ENTITIES = /\.ya?ml$/i;

/** Whether a tree path (or a tree-prefixed one) is a remote file's URL. */
export function isUrlPath(path: string): boolean {
  return URL_START.test(path);
}

/** The URL of a tree-prefixed key (`org/repo/https://github.com/…` -> `https://github.com/…`). */
export function urlOfKey(key: string): string {
  const at = key.search(URL_START);
  return at < 0 ? key : key.slice(at);
}

export function stampsOf(state: Record<string, unknown> | null | undefined): RemoteStamps {
  const value = state?.[REMOTE_STATE_KEY];
  return value && typeof value === 'object' ? (value as RemoteStamps) : {};
}

const normalised = (url: string) => {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
};

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Texts by URL with their ETag, across syncs of this process, so a `304` can stand for the text. Bounded by bytes. */
export class RemoteMemory {
  private readonly entries = new Map<string, { etag: string; text: string }>();
  private bytes = 0;
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}
  get(url: string) {
    return this.entries.get(url);
  }
  set(url: string, etag: string | undefined, text: string) {
    this.drop(url);
    if (!etag || text.length > this.maxBytes / 4) return;
    this.entries.set(url, { etag, text });
    this.bytes += text.length;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= value.text.length;
    }
  }
  drop(url: string) {
    const old = this.entries.get(url);
    if (old) this.bytes -= old.text.length;
    this.entries.delete(url);
  }
}

type Known = { text: string | undefined; etag?: string } | { error: Error };

/** One sync's view of the remote files: checks last run's stamps, reads, and stamps what it read. */
export class RemoteSession {
  /** What this run already learnt of a URL (a pre-check's 200 or a failure), so it is asked once. */
  private readonly known = new Map<string, Known>();
  private readonly fresh: RemoteStamps = {};
  private readonly dates = new Map<string, Date>();

  constructor(
    private readonly reader: UrlFileReader | undefined,
    /** Why nothing is read when there is no reader (no GitHub credentials, a registered source). */
    private readonly unavailable: string,
    private readonly memory: RemoteMemory,
    private readonly previous: RemoteStamps,
  ) {}

  private async fetch(url: string, etag?: string): Promise<UrlFetch> {
    const held = this.memory.get(url);
    const answer = await this.reader!.fetch(url, etag ?? held?.etag);
    if (answer.kind === 'text') this.memory.set(url, answer.etag, answer.text);
    if (answer.kind === 'missing') this.memory.drop(url);
    return answer;
  }

  /** Keys of last run's stamps that no longer hold (changed, gone, failed, or unreadable now). */
  async changed(concurrency = 8): Promise<string[]> {
    const keys = Object.keys(this.previous);
    if (!this.reader) return [];
    const out: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        const stamp = this.previous[key]!;
        const url = urlOfKey(key);
        if (stamp.f || this.reader!.refusal(url)) {
          out.push(key);
          continue;
        }
        try {
          const answer = await this.fetch(url, stamp.e);
          if (answer.kind === 'not-modified') continue;
          const text = answer.kind === 'text' ? answer.text : undefined;
          this.known.set(url, { text, ...(answer.kind === 'text' && answer.etag ? { etag: answer.etag } : {}) });
          if ((text === undefined ? '-' : hashOf(text)) !== stamp.h) out.push(key);
        } catch (e) {
          this.known.set(url, { error: e instanceof Error ? e : new Error(String(e)) });
          out.push(key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
    return out.sort();
  }

  /** The reader of one tree: its reads are stamped under `<tree>/<url>`. */
  view(treeName: string): RemoteFiles {
    const prefix = treeName ? `${treeName}/` : '';
    return {
      readable: this.reader !== undefined,
      refusal: (url) => {
        const why = this.reader ? this.reader.refusal(url) : this.unavailable;
        // Stamped as failed, so the next sync judges it again (the setting may have changed by then).
        if (why) this.fresh[`${prefix}${normalised(url)}`] = { f: 1 };
        return why;
      },
      read: async (url) => {
        const key = `${prefix}${url}`;
        if (!this.reader) throw new Error(this.unavailable);
        let known = this.known.get(url);
        if (!known) {
          try {
            const answer = await this.fetch(url);
            const held = this.memory.get(url);
            known =
              answer.kind === 'text'
                ? { text: answer.text, ...(answer.etag ? { etag: answer.etag } : {}) }
                : answer.kind === 'missing'
                  ? { text: undefined }
                  : held
                    ? { text: held.text, etag: held.etag }
                    : { error: new Error(`${url}: GitHub answered 304 Not Modified for a file this process does not hold`) };
          } catch (e) {
            known = { error: e instanceof Error ? e : new Error(String(e)) };
          }
          this.known.set(url, known);
        }
        if ('error' in known) {
          this.fresh[key] = { f: 1 };
          throw known.error;
        }
        this.fresh[key] = { h: known.text === undefined ? '-' : hashOf(known.text), ...(known.etag ? { e: known.etag } : {}) };
        if (known.text !== undefined && HOLDS_ENTITIES.test(url) && !this.dates.has(url)) {
          const date = await this.reader.committedAt?.(url);
          if (date) this.dates.set(url, date);
        }
        return known.text;
      },
      committedAt: (url) => this.dates.get(url),
    };
  }

  /** Stamps to keep: this run's reads, else last run's, for the keys `named` still names. */
  stamps(named: (key: string) => boolean): RemoteStamps {
    const out: RemoteStamps = {};
    for (const [key, stamp] of Object.entries({ ...this.previous, ...this.fresh })) if (named(key)) out[key] = stamp;
    return out;
  }
}
