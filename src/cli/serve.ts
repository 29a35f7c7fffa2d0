/**
 * `callsheet serve`: the composition root. Validates the configuration, opens the database, serves
 * HTTP at once (health now, readiness after the first sync), syncs, then keeps syncing, runs
 * scaffolder tasks and nudges, and answers chat: Slack and Teams when configured, the shell when
 * neither is and a terminal is attached. SIGTERM/SIGINT stop it gracefully.
 *
 * This is the one place in src/ that reaches into adapters/: it is the top layer, beside them.
 */
import { join } from 'node:path';
import { startAuditRetention } from '../audit/retention.js';
import { loadConfig, type Config } from '../config/index.js';
import { slackSettings } from '../config/slack.js';
import { runLineAudited } from '../commands/audited.js';
import { runLine } from '../commands/run.js';
import type { CommandContext, Requester } from '../commands/types.js';
import type { Reply } from '../reply/reply.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../http/server.js';
import { watchCatalogChanges } from '../db/catalog-changes.js';
import { createReadiness } from '../http/readiness.js';
import { requireApiToken } from '../http/api-auth.js';
import express from 'express';
import { metricsRouter } from '../http/metrics-route.js';
import { createGithubWebhookRouter } from '../http/github-webhook.js';
import { githubResync } from './github-resync.js';
import { webUrlOf } from '../github/client.js';
import { createGitlabWebhookRouter } from '../http/gitlab-webhook.js';
import { gitlabResync } from './gitlab-sources.js';
import { createLogger, type Logger } from '../logger.js';
import { createLogSender } from '../nudges/log-sender.js';
import type { DigestSender, MemberDirectory } from '../nudges/ports.js';
import type { Worker } from '../scaffolder/worker.js';
import { startNudgeScheduler } from '../nudges/scheduler.js';
import { problemNotifierFromConfig, runnerFromConfig } from '../nudges/wiring.js';
import { allNotifiers, logNotifier, shellNotifier } from '../scaffolder/notifier.js';
import { parseLine } from '../commands/grammar.js';
import { metered } from '../../adapters/shell/metered.js';
import { pageInShell } from '../../adapters/shell/page-flow.js';
import { pageHandler } from '../commands/page.js';
import { startShell, type Shell } from '../../adapters/shell/shell.js';
import { legalPagesRouter } from '../http/legal-pages.js';
import type { SlackAdapter } from '../../adapters/slack/index.js';
import type { TeamsAdapter } from '../../adapters/teams/index.js';
import type { CliIo, SubCommand } from './io.js';
import { firstSyncWithRetry } from './first-sync.js';
import { startLocalCommands } from './local-commands.js';
import { installProcessHandlers } from './process-handlers.js';
import { mcpHttpMount } from './mcp-deps.js';
import { lazyMcpRouter } from './lazy-router.js';
import { progressReporter } from './progress.js';
import { openRuntime, type Runtime } from './runtime.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface ServeOptions {
  /** Open the shell prompt (default: when stdin is a terminal and no chat platform is configured). */
  shell?: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Handle SIGTERM/SIGINT (off in tests, which call stop()). */
  signals?: boolean;
  logger?: Logger;
}

export interface RunningService {
  port: number;
  /** The /metrics listener's port, when METRICS_PORT is set. */
  metricsPort?: number;
  runtime: Runtime;
  slack?: SlackAdapter;
  teams?: TeamsAdapter;
  /** Resolves once the first sync of every source finished. */
  firstSync: Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the service stopped (signal, shell exit, or stop()). */
  stopped: Promise<void>;
}

function teamsEnabled(config: Config): boolean {
  return Boolean(config.MICROSOFT_APP_ID) || config.TEAMS_ALLOW_UNAUTHENTICATED;
}

export async function startService(config: Config, options: ServeOptions = {}): Promise<RunningService> {
  const chatConfigured = Boolean(slackSettings(config)) || teamsEnabled(config);
  const wantShell = options.shell ?? (Boolean(process.stdin.isTTY) && !chatConfigured);
  const logFile = join(config.DATA_DIR, 'callsheet.log');
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, wantShell ? logFile : undefined);
  // From the start, so a rejection during start-up is logged too; stop() exists only later.
  let stopForFatal: (() => Promise<void>) | undefined;
  if (options.signals) installProcessHandlers({ logger, onFatal: () => (stopForFatal ? void stopForFatal() : process.exit(1)) });
  // Chat SDKs (Bolt, botbuilder) take seconds and tens of MB to load: only when configured, and
  // loaded while the database opens.
  const slackConfig = slackSettings(config);
  const chatModules = Promise.all([
    slackConfig ? Promise.all([import('../../adapters/slack/features.js'), import('../../adapters/slack/index.js')]) : undefined,
    teamsEnabled(config) ? Promise.all([import('../../adapters/teams/features.js'), import('../../adapters/teams/index.js')]) : undefined,
  ]);
  chatModules.catch(() => {});
  const output = options.output ?? process.stdout;
  // What start-up is doing, on the terminal the shell will use (the log goes to a file there).
  const say = wantShell ? (text: string) => output.write(`${text}\n`) : (text: string) => logger.info(text);
  const opening = performance.now();
  say(config.DATABASE_URL ? 'opening the database…' : `opening the embedded database in ${join(config.DATA_DIR, 'pglite')}…`);
  const runtime = await openRuntime(config, { logger });
  say(`database ready (${seconds(performance.now() - opening)})`);
  // The database's clock (see openRuntime): every replica compares times on the same clock.
  const { clock } = runtime;
  const { db } = runtime.database;
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    background.add(work);
    void work.finally(() => background.delete(work)).catch(() => {});
  };

  // The worker is made below, once every notifier exists; features only call wake() later.
  let worker: Worker | undefined;
  const wake = { wake: () => worker?.wake() };
  // Chat adapters build their own contexts; the admin groups are added here, where the config is.
  const chatRunLine = (line: string, ctx: CommandContext) => runLine(line, { ...ctx, adminGroups: config.CALLSHEET_ADMINS, backstageUrl: config.BACKSTAGE_URL, oncall: runtime.oncall, pageAllowedGroups: config.PAGE_ALLOWED_GROUPS });
  // One page handler for every face: trust (PAGE_ALLOWED_GROUPS), Events API v2, the audit log.
  const page = pageHandler({ db, clock, logger, oncall: runtime.oncall, allowedGroups: config.PAGE_ALLOWED_GROUPS });
  const [slackModules, teamsModules] = await chatModules;
  // One set of Slack clients (and, for several workspaces, one OAuth installation store) for features and adapter.
  const slackClients = slackConfig && slackModules ? slackModules[1].slackClients({ config: slackConfig, db, logger }) : undefined;
  const slackParts = slackConfig && slackModules ? slackModules[0].slackFeatures({ db, logger, clock, config: slackConfig, clients: slackClients, worker: wake, opener: runtime.pullRequests, agentsMd: runtime.agentsMd, page, runner: runtime.runner }) : undefined;
  const slack = slackConfig && slackModules
    ? slackModules[1].createSlackAdapter({ config: slackConfig, clients: slackClients, db, logger, clock, staleAfterDays: config.STALE_AFTER_DAYS, runLine: chatRunLine, backstageUrl: config.BACKSTAGE_URL, actions: slackParts!.actions, extensions: slackParts!.extensions })
    : undefined;
  const teams = teamsModules
    ? teamsModules[1].createTeamsAdapter({ config, db, logger, clock, staleAfterDays: config.STALE_AFTER_DAYS, runLine: chatRunLine, backstageUrl: config.BACKSTAGE_URL, search: teamsModules[1].catalogSearch(db) })
    : undefined;
  const teamsParts = teams && teamsModules ? teamsModules[0].teamsFeatures({ db, logger, clock, adapter: teams, worker: wake, opener: runtime.pullRequests, agentsMd: runtime.agentsMd, page, runner: runtime.runner }) : undefined;

  const notifier = allNotifiers(
    logNotifier(logger),
    ...(slackParts ? [slackParts.taskNotifier] : []),
    ...(teamsParts ? [teamsParts.taskNotifier] : []),
    ...(wantShell ? [shellNotifier((text) => output.write(text.endsWith('\n') ? text : `${text}\n`), (task) => task.requester.platform === 'shell')] : []),
  );
  runtime.useChatSenders([...(slackParts ? [slackParts.digestSender] : []), ...(teamsParts ? [teamsParts.digestSender] : [])]);
  const taskWorker = runtime.createWorker(notifier);
  worker = taskWorker;

  const webhook = createGithubWebhookRouter({
    secret: config.GITHUB_WEBHOOK_SECRET,
    db,
    logger,
    track,
    // A source busy with another run is re-read once it is free (resync.ts): no push is dropped.
    onRepositoryChanged: githubResync(runtime),
    onRepositoryRemoved: githubResync(runtime),
    // Sources naming this repository's files as url targets or `$text: https://…` re-check them (by ETag).
    onDefaultBranchPush: (org, repo, paths) => runtime.sync.syncReadersOf({ host: new URL(webUrlOf(config.GITHUB_API_URL)).host, owner: org, repo, ...(paths ? { paths } : {}) }).then(() => {}),
  });

  const gitlabWebhook = createGitlabWebhookRouter({ secret: config.GITLAB_WEBHOOK_SECRET, db, logger, track, onProjectChanged: gitlabResync(runtime), onProjectRemoved: gitlabResync(runtime) });

  let ready = false;
  let stopRequested = false;
  const apiAuth = { tokens: config.API_TOKENS, open: config.API_AUTH === 'off', scopes: config.API_TOKEN_SCOPES, users: config.API_TOKEN_USERS };
  if (apiAuth.open) logger.warn('API_AUTH=off: /api/catalog is open to anyone who can reach the port');
  else if (!apiAuth.tokens.length) logger.info('no API_TOKENS: /api/catalog refuses every request');
  const metricsOnOwnPort = config.METRICS_PORT !== undefined;
  const serverLimits = { requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT, headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT, maxConnections: config.HTTP_MAX_CONNECTIONS };
  // Entity JSON is kept in memory and dropped when any replica changes the catalog (migration 0010).
  const catalogFeed = await watchCatalogChanges(runtime.database);
  const mcp = lazyMcpRouter(() => mcpHttpMount(runtime, config, logger, apiAuth, () => taskWorker.wake()));
  const app = createHttpApp({
    db,
    logger,
    catalog: { feed: catalogFeed, cacheBytes: config.API_CACHE_MB * 1024 * 1024, answerCacheBytes: config.API_ANSWER_CACHE_MB * 1024 * 1024, refreshSource: (sourceId) => runtime.sync.syncSource(sourceId) },
    isReady: createReadiness({ db, started: () => ready, configuredSources: () => runtime.sync.configuredSources() }),
    apiAuth,
    mounts: [
      // On the main port only behind an API token; on METRICS_PORT, bound to METRICS_HOST, without one.
      ...(metricsOnOwnPort ? [] : [{ path: '/', router: metricsRouter(requireApiToken({ ...apiAuth, logger })) }]),
      { path: '/', router: webhook },
      // The privacy and terms pages the Teams package links to (PRIVACY_URL / TERMS_URL redirect elsewhere).
      { path: '/', router: legalPagesRouter(config) },
      { path: '/', router: gitlabWebhook },
      // MCP for AI agents, behind the same API tokens as /api/catalog.
      { path: '/', router: mcp },
      ...(slack ? [{ path: '/', router: slack.router }] : []),
      ...(teams ? [{ path: '/', router: teams.router }] : []),
    ],
  });
  const http = await startHttpServer(app, { port: config.PORT, host: config.HOST, ...serverLimits });
  // This process owns the embedded database's files: CLI commands on this DATA_DIR are sent here.
  const localCommands = runtime.database.kind === 'pglite' ? await startLocalCommands(runtime, config, logger, taskWorker) : undefined;
  let metricsServer: RunningServer | undefined;
  if (metricsOnOwnPort) {
    const metricsApp = express();
    metricsApp.disable('x-powered-by');
    metricsApp.use(metricsRouter());
    metricsServer = await startHttpServer(metricsApp, { port: config.METRICS_PORT!, host: config.METRICS_HOST, ...serverLimits, maxConnections: 32 });
  }
  logger.info({ port: http.port, metricsPort: metricsServer?.port, database: runtime.database.kind, slack: Boolean(slack), teams: teams?.mode ?? 'off' }, 'callsheet is listening');
  if (slack) await slack.start();

  const chatParts = [slackParts, teamsParts].filter((p) => p !== undefined);
  const senders: DigestSender[] = chatParts.map((p) => p.digestSender);
  const directories: MemberDirectory[] = chatParts.map((p) => p.memberDirectory);
  if (senders.length === 0) senders.push(createLogSender((text) => logger.info({ digest: text }, 'nudge digest (no chat platform configured)')));
  const nudgeRunner = runnerFromConfig({ db, config, logger, senders, directories: directories.length ? directories : undefined });
  const nudges = config.NUDGE_ENABLED ? startNudgeScheduler({ runner: nudgeRunner, schedule: config.NUDGE_SCHEDULE, timezone: config.NUDGE_TIMEZONE, logger, resumeEveryMs: config.NUDGE_RESUME_POLL }) : undefined;
  const problemNotifier = config.NUDGE_ENABLED ? problemNotifierFromConfig({ db, config, logger, senders, directories: directories.length ? directories : undefined, github: runtime.githubClient }) : undefined;

  const auditRetention = startAuditRetention({ db, clock, logger, retentionDays: config.AUDIT_RETENTION_DAYS, holder: config.INSTANCE_ID });

  const syncing = performance.now();
  const sourceCount = runtime.sync.configuredSources().length;
  say(`syncing ${sourceCount} source(s)${wantShell ? ' in the background (questions wait for it)' : ''}…`);
  // Periodic lines in the log (the shell's log file, or stdout): files read, entities written.
  const progress = progressReporter({ tty: false, write: () => {}, line: (text, p) => logger.info({ source: p.sourceId, files: p.filesRead, entities: p.entitiesWritten }, text) });
  const firstSync = (async () => {
    const reports = await firstSyncWithRetry(runtime.sync, logger, () => stopRequested, progress.listener);
    progress.done();
    if (!reports) return;
    const held = reports.reduce((n, r) => n + r.added + r.updated + r.unchanged, 0);
    say(`ready: ${held.toLocaleString('en-US')} entities from ${reports.length} source(s) (first sync ${seconds(performance.now() - syncing)})`);
    for (const r of reports) {
      const counts = `+${r.added} ~${r.updated} -${r.removed} =${r.unchanged}`;
      if (r.status === 'failed') logger.error({ source: r.sourceId, error: r.error }, 'source could not be synced');
      else logger.info({ source: r.sourceId, status: r.status, problems: r.problems.length }, `synced ${counts}`);
    }
    // A SIGTERM during the first sync: the sync finished, but nothing more is started.
    if (stopRequested) return;
    ready = true;
    runtime.sync.start();
    await taskWorker.start();
  })();
  track(firstSync.catch((error: unknown) => logger.error({ err: error }, 'first sync failed')));

  let shell: Shell | undefined;
  if (wantShell) {
    // CALLSHEET_USER is matched to a catalog User after the first sync: on a fresh DATA_DIR the Users
    // arrive with it, and matching earlier left the shell user unidentified for the whole session.
    let known: Requester | undefined;
    shell = startShell({
      input: (options.input ?? process.stdin) as never,
      output: output as never,
      greeting: `Callsheet: ask who owns what. Try "owner payments-api", "find ledger" or "help"; "exit" quits.\n(HTTP on port ${http.port}; logs in ${logFile})`,
      run: (line, io): Promise<Reply> => metered(line, async () => {
        await firstSync.catch(() => {});
        const requester = (known ??= await runtime.localRequester('shell'));
        const { name, args } = parseLine(line);
        if (name === 'create' && args) return (await import('../../adapters/shell/create-flow.js')).createInShell({ db, clock, runner: runtime.runner, wake: () => taskWorker.wake() }, args, requester, io);
        if (name === 'page' && args) return pageInShell({ run: (l) => runLineAudited(l, runtime.context(requester)), page }, args, requester, io);
        return runLineAudited(line, runtime.context(requester));
      }),
    });
  }

  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new requests; finishing work in flight');
      ready = false;
      stopRequested = true;
      // MCP sessions end with it: their open GET streams would otherwise hold the listener open.
      await Promise.all([http.close(), metricsServer?.close(), mcp.close()]);
      await localCommands?.close();
      await Promise.allSettled([nudges?.stop(), problemNotifier?.stop(), auditRetention.stop(), taskWorker.stop(), slack?.stop(), teams?.stop(), shell?.close()]);
      // The delivery in flight is finished and recorded, and the run released, before the pool closes.
      await nudgeRunner.stop();
      await Promise.allSettled([...background]);
      await catalogFeed.close();
      await runtime.close();
      logger.info('stopped');
      resolveStopped();
    })());

  stopForFatal = stop;
  if (options.signals) {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'signal received');
      void stop();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  if (shell) void shell.closed.then(() => stop());

  return { port: http.port, metricsPort: metricsServer?.port, runtime, slack, teams, firstSync, stop, stopped };
}

export const serveCli: SubCommand = async (_args, io: CliIo) => {
  // An invalid configuration throws ConfigError: main prints every problem and exits 1.
  const config = loadConfig(io.env);
  const service = await startService(config, { signals: true });
  await service.stopped;
  // Everything is finished and the pool closed. A handle left open (a terminal that readline reopened
  // after Ctrl-D in the create wizard) must not keep the process idling under the prompt: this timer
  // does not hold the process, so it only fires when something else does.
  if (process.stdin.isTTY) process.stdin.destroy();
  setTimeout(() => process.exit(), 1000).unref();
  return 0;
};
