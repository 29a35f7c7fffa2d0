/**
 * The built-in actions. GitHub actions join when a GitHub is configured (`github`), GitLab's with `gitlab`, catalog:fetch with
 * a catalog reader, fetch:rails where a `rails` program is found, notification:send always (refusing clearly when no chat platform can deliver).
 * Anything else is added by passing it in `extra`.
 */
import { catalogFetchAction, type CatalogReader } from './catalog-fetch.js';
import { catalogRegisterAction, type CatalogRegistrar } from './catalog-register.js';
import { catalogWriteAction } from './catalog-write.js';
import { debugLogAction } from './debug-log.js';
import { fetchCookiecutterAction } from './fetch-cookiecutter.js';
import { fetchPlainActionWith } from './fetch-plain.js';
import { fetchRailsAction, type FetchRailsOptions } from './fetch-rails.js';
import { fetchTemplateFileActionWith } from './fetch-template-file.js';
import { fetchTemplateActionWith } from './fetch-template.js';
import { githubActionsDispatchAction } from './github-dispatch.js';
import { githubIssuesLabelAction } from './github-issues-label.js';
import { publishGithubPullRequestAction } from './github-pull-request.js';
import { githubRepoCreateAction, githubRepoPushAction } from './github-repo.js';
import type { GithubActionOptions } from './github-target.js';
import { githubWebhookAction } from './github-webhook.js';
import { publishGitlabMergeRequestAction } from './gitlab-merge-request.js';
import { gitlabRepoPushAction } from './gitlab-repo-push.js';
import type { GitlabActionOptions } from './gitlab-target.js';
import { notificationSendAction, type NotificationDelivery } from './notification-send.js';
import { publishGitAction, type PublishGitOptions } from './publish-git.js';
import { publishGithubAction } from './publish-github.js';
import { publishGitlabAction } from './publish-gitlab.js';
import { findRails } from './rails-new.js';
import type { RemoteReader } from './source-folder.js';
import { createActionRegistry, type ActionRegistry, type TemplateAction } from './types.js';

export interface BuiltinActionOptions {
  registrar: CatalogRegistrar;
  publishGit: PublishGitOptions;
  /** The configured GitHub: publish:github and the github:* actions. */
  github?: GithubActionOptions;
  /** The configured GitLab (GITLAB_TOKEN): publish:gitlab, publish:gitlab:merge-request, gitlab:repo:push. */
  gitlab?: GitlabActionOptions;
  /** For fetch actions' absolute `url:`s (GitHub tree/blob URLs, Git URLs on allowed hosts). */
  remote?: RemoteReader;
  catalog?: CatalogReader;
  notifications?: NotificationDelivery;
  /** fetch:rails's `rails` program; found on PATH when not given, and the action is left out when none is (false: leave it out). */
  rails?: FetchRailsOptions | false;
  extra?: TemplateAction<any>[];
}

/** The GitHub actions, for a configured GitHub. */
export function githubActions(github: GithubActionOptions): TemplateAction<any>[] {
  return [
    publishGithubAction(github),
    publishGithubPullRequestAction(github),
    githubRepoCreateAction(github),
    githubRepoPushAction(github),
    githubActionsDispatchAction(github),
    githubWebhookAction(github),
    githubIssuesLabelAction(github),
  ];
}

export function builtinActions(options: BuiltinActionOptions): ActionRegistry {
  const railsCommand = options.rails === false ? undefined : (options.rails?.command ?? findRails());
  return createActionRegistry([
    fetchTemplateActionWith(options.remote),
    fetchPlainActionWith(options.remote),
    fetchTemplateFileActionWith(options.remote),
    fetchCookiecutterAction(options.remote),
    publishGitAction(options.publishGit),
    catalogRegisterAction(options.registrar),
    catalogWriteAction,
    debugLogAction,
    notificationSendAction(options.notifications),
    ...(railsCommand ? [fetchRailsAction({ ...(options.rails || {}), command: railsCommand }, options.remote)] : []),
    ...(options.catalog ? [catalogFetchAction(options.catalog)] : []),
    ...(options.github ? githubActions(options.github) : []),
    ...(options.gitlab ? [publishGitlabAction(options.gitlab), publishGitlabMergeRequestAction(options.gitlab), gitlabRepoPushAction(options.gitlab)] : []),
    ...(options.extra ?? []),
  ]);
}

export type { ActionRegistry, CatalogRegistrar, TemplateAction };
