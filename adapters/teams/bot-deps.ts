/**
 * What a Teams turn needs from the rest of the app (database, commands, features' buttons and dialogs),
 * and the small helpers every kind of turn shares.
 */
import type { Clock } from '../../src/clock.js';
import type { Reply } from '../../src/reply/reply.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { SearchHit } from './message-extension.js';
import type { DialogHandler } from './task-module.js';

/** The message whose button was clicked. */
export interface ActionOrigin {
  conversationId: string;
  activityId?: string;
}

/** A feature's button handler (nudge review/snooze): returns the reply that replaces the card. */
export type ActionHandler = (value: Record<string, string>, ctx: CommandContext, origin: ActionOrigin) => Promise<Reply>;

export interface BotDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  staleAfterDays: number;
  identityTtlMs: number;
  /** TEAMS_ALLOWED_TENANTS, lower-cased; undefined: any tenant (development only). */
  tenants?: readonly string[];
  runLine: (line: string, ctx: CommandContext) => Promise<Reply>;
  /** BACKSTAGE_URL: its entity pages unfurl too. */
  backstageUrl?: string;
  search: (text: string, limit: number) => Promise<SearchHit[]>;
  actions: Record<string, ActionHandler>;
  /** Dialogs of features (create, nudge fix), by the action id of the button that opens them. */
  dialogs: Record<string, DialogHandler>;
}

export function commandContext(deps: BotDeps, requester: Requester): CommandContext {
  return { db: deps.db, clock: deps.clock, logger: deps.logger, requester, staleAfterDays: deps.staleAfterDays, ...(deps.backstageUrl ? { backstageUrl: deps.backstageUrl } : {}) };
}

export function dialogIds(deps: BotDeps): ReadonlySet<string> {
  return new Set(Object.keys(deps.dialogs));
}
