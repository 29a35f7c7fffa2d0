/**
 * Everything Teams adds to the core features, for the composition root: the create dialog, the digest
 * buttons and fix dialog (registered on the adapter here), the digest sender and member directory for
 * the nudge runner, and the task notifier for the scaffolder workers.
 */
import type { Clock } from '../../src/clock.js';
import { OPEN_TEMPLATE_ACTION } from '../../src/commands/create.js';
import { PAGE_ACTION, type PageHandler } from '../../src/commands/page.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { DigestSender, MemberDirectory, PullRequestOpener, RootFileProposer } from '../../src/nudges/ports.js';
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import type { Worker } from '../../src/scaffolder/worker.js';
import type { ActionHandler } from './bot.js';
import { createDialog } from './create-dialog.js';
import { teamsDigestSender } from './digest-sender.js';
import type { TeamsAdapter } from './index.js';
import { teamsMemberDirectory } from './member-directory.js';
import { nudgeActions } from './nudge-actions.js';
import type { DialogHandler } from './task-module.js';
import { teamsTaskNotifier } from './task-notifier.js';

export interface TeamsFeatureDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  adapter: TeamsAdapter;
  /** This replica's scaffolder worker, woken when a task is created from Teams. */
  worker?: Pick<Worker, 'wake'>;
  /** What the create dialog's Preview (dry run) runs steps with. */
  runner?: RunnerDeps;
  /** Opens pull requests for digest fixes; without it a fix answers with the file's edit link. */
  opener?: PullRequestOpener;
  /** Opens "Add AGENTS.md" requests (GitHub, GitLab). */
  agentsMd?: RootFileProposer;
  /** Raises pages for the Page button (core `pageHandler`). */
  page?: PageHandler;
}

export interface TeamsFeatures {
  actions: Record<string, ActionHandler>;
  dialogs: Record<string, DialogHandler>;
  digestSender: DigestSender;
  memberDirectory: MemberDirectory;
  taskNotifier: TaskNotifier;
}

/** Builds the Teams features and registers their buttons and dialogs on `adapter`. */
export function teamsFeatures(deps: TeamsFeatureDeps): TeamsFeatures {
  const { db, logger, clock, adapter } = deps;
  const nudges = nudgeActions({ db, clock, logger, adapter, opener: deps.opener, agentsMd: deps.agentsMd });
  const dialogs: Record<string, DialogHandler> = { [OPEN_TEMPLATE_ACTION]: createDialog({ db, clock, logger, adapter, worker: deps.worker, runner: deps.runner }), ...nudges.dialogs };
  const page = deps.page;
  // The card's ShowCard step has asked already; the answer (who paged, or why not) replaces the card.
  const actions: Record<string, ActionHandler> = { ...nudges.actions, ...(page ? { [PAGE_ACTION]: (value, ctx, origin) => page(value, ctx.requester, { channel: origin.conversationId }) } : {}) };
  adapter.register({ actions, dialogs });
  return {
    actions,
    dialogs,
    digestSender: teamsDigestSender({ db, clock, logger, adapter }),
    memberDirectory: teamsMemberDirectory(db),
    taskNotifier: teamsTaskNotifier(adapter),
  };
}
