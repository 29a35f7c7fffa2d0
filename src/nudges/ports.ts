/**
 * The ports through which nudges reach the outside: chat platforms (digest delivery and members'
 * chat ids) and the Git host (pull requests). Chat adapters implement them; the core never imports an SDK.
 */
import type { Reply } from '../reply/reply.js';

/** Where a digest goes. `target` is a channel/conversation id, or a member's chat user id for `dm`. */
export interface Route {
  platform: string;
  kind: 'channel' | 'dm' | 'fallback';
  target: string;
  /** Why this route was chosen (printed by `callsheet nudge --dry-run`). */
  reason: string;
}

export interface SentMessage {
  channel: string;
  ts: string;
}

export interface SendMeta {
  runId: number;
  teamRef: string;
  /**
   * Unique per run, team and route. Senders attach it to the message (Slack: message metadata) so
   * that `findSent` can tell afterwards whether a message was posted.
   */
  key: string;
}

export interface DigestSender {
  platform: string;
  send(route: Route, reply: Reply, meta: SendMeta): Promise<{ messages: SentMessage[] }>;
  /**
   * Whether a message with `key` was already posted to the route: its ids, or [] when the platform
   * confirms nothing was posted (e.g. by reading the channel's recent history). Senders that cannot
   * tell leave it out, and an interrupted delivery to them is never re-sent (never twice).
   */
  findSent?(route: Route, key: string): Promise<SentMessage[]>;
}

/** The platform refused the call for now (HTTP 429); nothing was posted. */
export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    /** `workspace` pauses every send on the platform, `channel` only sends to this target. */
    readonly scope: 'channel' | 'workspace' = 'channel',
  ) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}

/** The platform refused the message for good (unknown channel, bot not in it); nothing was posted. */
export class DeliveryRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryRejectedError';
  }
}

/** A catalog User to find on a chat platform. */
export interface Member {
  userRef: string;
  email?: string;
}

/** Resolves catalog Users to their chat user ids on one platform; members not found are left out. */
export interface MemberDirectory {
  platform: string;
  chatIdsOf(members: Member[]): Promise<Map<string, string>>;
}

export interface PullRequestRequest {
  /** Browsable URL of the file (e.g. https://github.com/o/r/blob/main/catalog-info.yaml). */
  fileUrl: string;
  filePath: string;
  /** The file as it should be after the fix. */
  newContent: string;
  title: string;
  body: string;
  branch: string;
  requester: string;
}

export type ChangeRequestKind = 'pull-request' | 'merge-request';

export interface PullRequestOpener {
  /** Whether this opener can open pull requests against the file at `fileUrl` (e.g. it is on GitHub). */
  handles(fileUrl: string): boolean;
  /** The current text of the file, to edit. */
  readFile(fileUrl: string): Promise<string>;
  /** `kind` is what the host calls it (GitLab: a merge request); a pull request when absent. */
  open(request: PullRequestRequest): Promise<{ url: string; kind?: ChangeRequestKind }>;
}

/** A file at the root of the repository an entity's catalog file is in (AGENTS.md), to add or update. */
export interface RootFileRequest {
  /** Browsable URL of the entity's catalog file: its repository and branch. */
  fileUrl: string;
  /** Repository-relative path of the file to write. */
  path: string;
  /** The new text, made from what the base branch holds now (undefined when it has no such file). */
  contentFrom(current: string | undefined): string;
  title: string;
  body: string;
  /** One branch per entity: a request still open from it is updated rather than opened again. */
  branch: string;
}

export type RootFileOutcome = { kind: ChangeRequestKind; url: string } | { kind: 'unchanged' };

export interface RootFileProposer {
  handles(fileUrl: string): boolean;
  /** Opens (or updates, from `branch`) the change request; `unchanged` when the base already has the text. */
  propose(request: RootFileRequest): Promise<RootFileOutcome>;
}
