/**
 * Slack's part of the scaffolder and nudges, wired in one place for `callsheet serve`:
 *
 *   const slack = slackFeatures({ db, logger, clock, config, worker: { wake: () => worker.wake() }, opener });
 *   createSlackAdapter({ ..., actions: slack.actions, extensions: slack.extensions });
 *   runnerFromConfig({ ..., senders: [slack.digestSender], directories: [slack.memberDirectory] });
 *   createWorker({ ..., notifier: allNotifiers(logNotifier(logger), slack.taskNotifier) });
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import { OPEN_TEMPLATE_ACTION } from '../../src/commands/create.js';
import { PAGE_ACTION, type PageHandler } from '../../src/commands/page.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import type { DigestSender, MemberDirectory, PullRequestOpener, RootFileProposer } from '../../src/nudges/ports.js';
import type { TaskNotifier } from '../../src/scaffolder/notifier.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import { slackDigestSender } from './digest-sender.js';
import type { FeatureAction, SlackExtension } from './listeners.js';
import { slackMemberDirectory } from './member-directory.js';
import { nudgeActions } from './nudge-actions.js';
import { slackPageAction } from './page-action.js';
import { createResponseUrlPoster } from './response-url.js';
import { createModal } from './scaffolder-modal.js';
import { slackTaskNotifier } from './task-notifier.js';
import { slackClients, type SlackClients, type SlackClientsConfig } from './clients.js';

export interface SlackFeaturesDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  config: SlackClientsConfig;
  /** The Web API clients (default: made from `config`); `serve` shares one set with the adapter. */
  clients?: SlackClients;
  /** The Web API client for modals and updates (default: `clients.web`). */
  web?: WebClient;
  /** The scaffolder worker of this replica, woken when a task is created here (read lazily). */
  worker?: { wake(): void };
  /** Opens Fix pull requests (GitHub); without it Fix offers the file's edit link. */
  opener?: PullRequestOpener;
  /** Opens "Add AGENTS.md" requests (GitHub, GitLab). */
  agentsMd?: RootFileProposer;
  /** Raises pages for the Page button (core `pageHandler`); without it the button does nothing here. */
  page?: PageHandler;
  /** What create modals' Preview (dry run) runs steps with. */
  runner?: RunnerDeps;
}

export interface SlackFeatures {
  /** For `createSlackAdapter({ actions })`: nudge buttons and the create command's "Create" buttons. */
  actions: Record<string, FeatureAction>;
  /** For `createSlackAdapter({ extensions })`: `/catalog create` modals and the nudge Fix modal. */
  extensions: SlackExtension[];
  digestSender: DigestSender;
  memberDirectory: MemberDirectory;
  taskNotifier: TaskNotifier;
}

export function slackFeatures(deps: SlackFeaturesDeps): SlackFeatures {
  const { db, logger, clock, config } = deps;
  const clients = deps.clients ?? slackClients({ config, db, logger });
  const web = deps.web ?? clients.web;
  // Digests are paced by the nudge runner: 429s come back to it, and unknown outcomes are checked, never re-posted blindly.
  const poster = clients.poster;
  const respond = createResponseUrlPoster({ logger, apiUrl: config.SLACK_API_URL });
  const create = createModal({ db, clock, logger, web, worker: deps.worker, runner: deps.runner });
  const nudges = nudgeActions({ db, clock, logger, web, respond, opener: deps.opener, agentsMd: deps.agentsMd });
  return {
    actions: {
      ...nudges.actions,
      [OPEN_TEMPLATE_ACTION]: create.openTemplate,
      ...(deps.page ? { [PAGE_ACTION]: slackPageAction({ db, clock, logger, web, respond, page: deps.page }) } : {}),
    },
    extensions: [create.extension, nudges.extension],
    digestSender: slackDigestSender({ db, web, clock, logger, poster }),
    memberDirectory: slackMemberDirectory({ db, web, clock, logger }),
    taskNotifier: slackTaskNotifier({ web, logger }),
  };
}
