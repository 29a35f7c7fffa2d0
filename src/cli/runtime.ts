/**
 * The core runtime every face shares: database, sync (with the GitHub driver when configured),
 * scaffolder actions and worker, nudge runner. No chat SDK here: `serve` adds the adapters.
 */
import { createGitlabClient, gitlabHostOf } from '../gitlab/client.js';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import { parseSourceItem } from '../config/sources.js';
import type { CommandContext, Requester } from '../commands/types.js';
import { catalogUser } from '../catalog/users.js';
import { configureSecretAnnotations } from '../catalog/secret-annotations.js';
import type { Database } from '../db/client.js';
import { sources } from '../db/schema.js';
import { createDatabaseClock } from '../db/db-clock.js';
import { openDatabaseFromConfig } from '../db/from-config.js';
import { authFromConfig, createGithubClient, webUrlOf, type GithubClient } from '../github/client.js';
import { githubPullRequestOpener } from '../github/pr-opener.js';
import { githubUrlFiles } from '../github/url-files.js';
import { gitlabUrlFiles } from '../gitlab/url-files.js';
import { urlReaders } from '../sync/url-readers.js';
import { embeddedAnalyzer } from '../db/embedded-analyze.js';
import { gitlabMergeRequestOpener } from '../gitlab/mr-opener.js';
import { routeOpeners, routeProposers } from '../nudges/fix-routing.js';
import { githubRootFileProposer } from '../github/agents-md-pr.js';
import { gitlabRootFileProposer } from '../gitlab/agents-md-mr.js';
import { githubSourceId, globMatcher, parseGithubSource } from '../github/source-spec.js';
import type { Logger } from '../logger.js';
import type { PullRequestOpener, RootFileProposer } from '../nudges/ports.js';
import { builtinActions } from '../scaffolder/actions/index.js';
import { missingActionReason } from '../scaffolder/actions/catalogue.js';
import { sourceTemplateLocator } from '../scaffolder/template-locator.js';
import { dbCatalogReader } from '../scaffolder/catalog-reader.js';
import { configureRunnableActions } from '../scaffolder/preflight.js';
import { remoteReader } from '../scaffolder/remote-reader.js';
import { hostedReposRefusal } from '../scaffolder/hosted-repos.js';
import { chatNotificationDelivery } from '../nudges/notify-chat.js';
import type { DigestSender } from '../nudges/ports.js';
import { parseFallbackChannel } from '../config/nudges.js';
import type { TaskNotifier } from '../scaffolder/notifier.js';
import { syncRegistrar } from '../scaffolder/registrar.js';
import type { RunnerDeps } from '../scaffolder/runner.js';
import { createWorker, type Worker } from '../scaffolder/worker.js';
import { createBackstageClient } from '../backstage/client.js';
import { backstageDriver } from '../sync/sources/backstage.js';
import { githubDriver } from '../sync/sources/github.js';
import { gitlabDriver } from '../sync/sources/gitlab.js';
import { gitlabOrgDriver } from '../sync/sources/gitlab-org.js';
import { createSyncService, type SyncService } from '../sync/service.js';
import { checkRemote } from '../sync/remote-policy.js';
import { onCallFromConfig, type OnCallService } from '../oncall/service.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  sync: SyncService;
  /** Ids of the configured `github:` sources, by organisation (lower-cased). */
  githubSources: Map<string, string[]>;
  /** A GitHub client per organisation, when GitHub is configured (CODEOWNERS for problem notifications). */
  githubClient?: (owner: string) => Promise<GithubClient>;
  /** Pull requests for nudges' Fix, when GitHub is configured. */
  pullRequests?: PullRequestOpener;
  /** "Add AGENTS.md" requests (GitHub pull requests, GitLab merge requests), when either is configured. */
  agentsMd?: RootFileProposer;
  /** PagerDuty / Opsgenie on-call answers and paging (one per process: its cache and rate-limit state). */
  oncall: OnCallService;
  context(requester: Requester): CommandContext;
  /** The shell / CLI user from CALLSHEET_USER (or `who`, a forwarded CLI's), mapped to a catalog User when possible. */
  localRequester(platform: 'shell' | 'cli', who?: string): Promise<Requester>;
  createWorker(notifier: TaskNotifier): Worker;
  /** The chat platforms' senders, once the adapters exist: notification:send posts through them. */
  useChatSenders(senders: DigestSender[]): void;
  /** What the scaffolder runs steps with (the worker's, and dry runs'). */
  runner: RunnerDeps;
  close(): Promise<void>;
}

function hasGithubAuth(config: Config): boolean {
  return Boolean(config.GITHUB_TOKEN || (config.GITHUB_APP_ID && config.GITHUB_APP_PRIVATE_KEY));
}

/**
 * Without a `clock`, the runtime keeps time by the database's clock: replicas' clocks drift, and
 * heartbeats, staleness and sync intervals compared across replicas need the one clock they share.
 */
export async function openRuntime(config: Config, deps: { logger: Logger; clock?: Clock }): Promise<Runtime> {
  const { logger } = deps;
  configureSecretAnnotations(config.SECRET_ANNOTATIONS);
  const database = await openDatabaseFromConfig(config);
  const db = database.db;
  const databaseClock = deps.clock ? undefined : await createDatabaseClock(db, 30_000);
  const clock: Clock = deps.clock ?? databaseClock!;

  // One client per owner, made on first use: an App installation is per organisation.
  const clients = new Map<string, Promise<GithubClient>>();
  const githubClient = (owner: string) => {
    const key = owner.toLowerCase();
    let client = clients.get(key);
    if (!client) {
      client = createGithubClient(authFromConfig(config, owner), { baseUrl: config.GITHUB_API_URL, logger });
      clients.set(key, client);
    }
    return client;
  };
  const githubHost = new URL(webUrlOf(config.GITHUB_API_URL)).host;

  const githubSources = new Map<string, string[]>();
  for (const item of config.CATALOG_SOURCES.map(parseSourceItem)) {
    if (item.type !== 'github') continue;
    const parsed = parseGithubSource(item.spec);
    const org = parsed.org.toLowerCase();
    githubSources.set(org, [...(githubSources.get(org) ?? []), githubSourceId(parsed)]);
  }

  // Locations registered at run time (catalog:register) may name only these remotes.
  const reposDir = join(config.DATA_DIR, 'repos');
  const hostedRefusal = hostedReposRefusal(config);
  // Said once at start-up, so an operator sees it before a user's task fails on it.
  if (hostedRefusal) logger.warn(hostedRefusal);
  const remotePolicy = { allowedHosts: [...new Set([new URL(webUrlOf(config.GITHUB_API_URL)).hostname.toLowerCase(), ...config.GIT_ALLOWED_HOSTS])], reposDir };
  // One client for the configured GitLab; its token goes to GITLAB_URL only.
  const gitlabToken = config.GITLAB_TOKEN;
  const gitlabApi = gitlabToken ? createGitlabClient({ url: config.GITLAB_URL, token: gitlabToken, logger }) : undefined;
  // url targets and URL placeholders: files on the configured GitHub and GitLab, read with their credentials.
  const urlFiles = urlReaders([
    ...(hasGithubAuth(config) ? [githubUrlFiles({ host: githubHost, client: githubClient })] : []),
    ...(gitlabApi ? [gitlabUrlFiles({ webUrl: config.GITLAB_URL, client: () => gitlabApi })] : []),
  ]);
  const sync = createSyncService({
    db,
    config,
    logger,
    clock,
    checkRegistered: (spec) => checkRemote(spec, remotePolicy),
    ...(urlFiles ? { urlFiles } : {}),
    afterWrite: embeddedAnalyzer(db, database.kind),
    drivers: {
      github: (rest) => {
        const source = `github:${rest}`;
        const { org } = parseGithubSource(source);
        return githubDriver({ source, client: () => githubClient(org), apiUrl: config.GITHUB_API_URL, logger });
      },
      ...(gitlabApi ? { gitlab: (source: string) => (/^gitlab-org:/i.test(source) ? gitlabOrgDriver : gitlabDriver)({ source, client: () => gitlabApi, logger }) } : {}),
      // Only hosts the configuration allows (GIT_ALLOWED_HOSTS); the token goes to that host alone.
      backstage: (source) =>
        backstageDriver({ source, allowedHosts: config.GIT_ALLOWED_HOSTS, logger, client: (baseUrl) => createBackstageClient({ baseUrl, ...(config.BACKSTAGE_TOKEN ? { token: config.BACKSTAGE_TOKEN } : {}) }) }),
    },
  });

  const registrar = syncRegistrar({ db, sync, githubWebUrl: hasGithubAuth(config) ? webUrlOf(config.GITHUB_API_URL) : undefined, ...(gitlabApi ? { gitlabWebUrl: config.GITLAB_URL } : {}), policy: remotePolicy });
  const github = hasGithubAuth(config) ? { client: githubClient, host: githubHost } : undefined;
  const gitlab = gitlabApi ? { client: () => gitlabApi, host: gitlabHostOf(config.GITLAB_URL) } : undefined;
  const chatSenders: DigestSender[] = [];
  const remote = remoteReader({ github, policy: remotePolicy });
  const actions = builtinActions({
    registrar,
    publishGit: { reposDir, ...(hostedRefusal ? { hostedRefusal } : {}) },
    github,
    gitlab,
    remote,
    catalog: dbCatalogReader(db),
    notifications: chatNotificationDelivery({ db, senders: () => chatSenders, fallback: parseFallbackChannel(config.NUDGE_FALLBACK_CHANNEL) }),
  });
  // Forms open only for templates whose every action is registered here (preflight.ts), saying why not.
  configureRunnableActions(actions.ids(), missingActionReason);

  const runner: RunnerDeps = {
    clock,
    logger,
    actions,
    secrets: config.GITHUB_TOKEN ? { GITHUB_TOKEN: config.GITHUB_TOKEN } : {},
    limits: { maxFiles: config.SCAFFOLDER_MAX_FILES, maxBytes: config.SCAFFOLDER_MAX_BYTES },
    workDir: join(config.DATA_DIR, 'tasks'),
    // Templates of Git and github: sources in TEMPLATE_SOURCES run with the files of the commit last synced.
    locateTemplate: sourceTemplateLocator({ db, dataDir: config.DATA_DIR, templateSources: config.TEMPLATE_SOURCES, remote }),
    // A RepoUrlPicker naming no hosts offers where Callsheet can publish: GitHub, and GitLab once configured.
    codeHosts: [githubHost, ...(gitlabApi ? [new URL(config.GITLAB_URL).host] : [])],
  };

  const oncall = onCallFromConfig(config, logger);

  return {
    config,
    logger,
    clock,
    database,
    runner,
    oncall,
    sync,
    githubSources,
    githubClient: hasGithubAuth(config) ? githubClient : undefined,
    // Fix opens a pull request on GitHub, a merge request on GitLab: whichever holds the file.
    pullRequests: routeOpeners([
      ...(hasGithubAuth(config) ? [githubPullRequestOpener({ client: githubClient, host: githubHost })] : []),
      ...(gitlabApi ? [gitlabMergeRequestOpener({ client: () => gitlabApi, webUrl: config.GITLAB_URL })] : []),
    ]),
    agentsMd: routeProposers([
      ...(hasGithubAuth(config) ? [githubRootFileProposer({ client: githubClient, host: githubHost })] : []),
      ...(gitlabApi ? [gitlabRootFileProposer({ client: () => gitlabApi, webUrl: config.GITLAB_URL })] : []),
    ]),
    context: (requester) => ({ db, clock, logger, requester, staleAfterDays: config.STALE_AFTER_DAYS, adminGroups: config.CALLSHEET_ADMINS, backstageUrl: config.BACKSTAGE_URL, oncall, pageAllowedGroups: config.PAGE_ALLOWED_GROUPS }),
    async localRequester(platform, who = config.CALLSHEET_USER) {
      if (!who) return { platform };
      const userRef = (await catalogUser(db, who)) ?? undefined;
      if (!userRef) logger.warn({ who }, 'CALLSHEET_USER matches no catalog User; answering without an identity');
      return { platform, displayName: who, email: who.includes('@') ? who : undefined, userRef };
    },
    useChatSenders(senders) {
      chatSenders.splice(0, chatSenders.length, ...senders);
    },
    createWorker(notifier) {
      return createWorker({
        ...runner,
        db,
        workerId: config.INSTANCE_ID,
        notifier,
        pollMs: config.SCAFFOLDER_POLL_INTERVAL,
        staleAfterMs: config.SCAFFOLDER_STALE_AFTER,
      });
    },
    async close() {
      await sync.stop();
      databaseClock?.stop();
      await database.close();
    },
  };
}

/**
 * Sources a GitHub webhook about `org/repo` concerns: configured `github:` sources of that
 * organisation whose repository glob matches, and sources registered at run time (catalog:register
 * adds a just-published repository as `github:<org>/<repo>`), which are only in Postgres.
 */
export async function githubSourcesFor(runtime: Pick<Runtime, 'githubSources' | 'database'>, org: string, repo: string): Promise<string[]> {
  const ids = new Set<string>();
  const matches = (target: string) => {
    try {
      const spec = parseGithubSource(target);
      return spec.org.toLowerCase() === org.toLowerCase() && globMatcher(spec.glob)(repo);
    } catch {
      return false;
    }
  };
  for (const id of runtime.githubSources.get(org.toLowerCase()) ?? []) if (matches(id)) ids.add(id);
  const registered = await runtime.database.db
    .select({ id: sources.id, target: sources.target })
    .from(sources)
    .where(and(eq(sources.kind, 'github'), sql`${sources.state} ->> 'registered' = 'true'`));
  for (const row of registered) if (matches(row.target)) ids.add(row.id);
  return [...ids];
}
