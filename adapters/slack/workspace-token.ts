/**
 * Which workspace's bot token a Slack Web API call carries when the app is installed in several
 * workspaces (OAuth distribution). Inside a request, the token Bolt authorized for that request's
 * workspace (set by `scopeToWorkspace`, a global middleware), so one workspace is never answered with
 * another's token. Outside a request (digests, task updates, member lookups), SLACK_BOT_TOKEN when
 * set; else each installation in turn until one knows the channel or user, remembered for next time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { App } from '@slack/bolt';

const requestToken = new AsyncLocalStorage<string>();

/** Bolt global middleware: everything a listener does, awaited or not, runs with its workspace's token. */
export function scopeToWorkspace(app: App): void {
  app.use(async ({ context, next }) => {
    if (context.botToken) await requestToken.run(context.botToken, next);
    else await next();
  });
}

export const tokenInScope = (): string | undefined => requestToken.getStore();

/** Answers that mean "this token's workspace does not hold that channel or user": try the next one. */
const OTHER_WORKSPACE = new Set(['channel_not_found', 'not_in_channel', 'user_not_found', 'users_not_found', 'invalid_auth', 'account_inactive', 'token_revoked', 'team_access_not_granted']);

export function isOtherWorkspace(error: unknown): boolean {
  const code = (error as { data?: { error?: string } }).data?.error;
  return code !== undefined && OTHER_WORKSPACE.has(code);
}

/** What a call is about, for remembering which workspace answered for it. */
export function callTarget(options: Record<string, unknown> | undefined): string | undefined {
  const value = options?.channel ?? options?.users ?? options?.user ?? options?.user_id ?? options?.email;
  return typeof value === 'string' ? value : undefined;
}

export interface BackgroundTokens {
  /** Every installation's bot token, newest install first. */
  all(): Promise<string[]>;
  /** Tokens to try for a target: the one that answered for it last time first. */
  ordered(target: string | undefined): Promise<string[]>;
  remember(target: string | undefined, token: string): void;
}

/** At most this many channel/user → workspace answers are remembered (oldest forgotten first). */
const REMEMBERED = 10_000;

export function backgroundTokens(list: () => Promise<string[]>): BackgroundTokens {
  const known = new Map<string, string>();
  return {
    all: list,
    async ordered(target) {
      const tokens = await list();
      const first = target ? known.get(target) : undefined;
      return first && tokens.includes(first) ? [first, ...tokens.filter((t) => t !== first)] : tokens;
    },
    remember(target, token) {
      if (!target) return;
      known.delete(target);
      known.set(target, token);
      if (known.size > REMEMBERED) known.delete(known.keys().next().value!);
    },
  };
}
