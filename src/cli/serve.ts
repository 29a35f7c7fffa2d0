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
import type { CommandContext } from '../commands/types.js';
import type { Reply } from '../reply/reply.js';
import { createHttpApp, startHttpServer, type RunningServer } from '../http/server.js';
import { createReadiness } from '../http/readiness.js';
import { requireApiToken } from '../http/api-auth.js';
import express from 'express';
import { metricsRouter } from '../http/metrics-route.js';
import { createGithubWebhookRouter } from '../http/github-webhook.js';
import { createLogger, type Logger } from '../logger.js';
import { createLogSender } from '../nudges/log-sender.js';
import type { DigestSender, MemberDirectory } from '../nudges/ports.js';
import type { Worker } from '../scaffolder/worker.js';
import { startNudgeScheduler } from '../nudges/scheduler.js';
import { runnerFromConfig } from '../nudges/wiring.js';
import { allNotifiers, logNotifier, shellNotifier } from '../scaffolder/notifier.js';
import { parseLine } from '../commands/grammar.js';
import { createInShell } from '../../adapters/shell/create-flow.js';
import { startShell, type Shell } from '../../adapters/shell/shell.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { slackFeatures } from '../../adapters/slack/features.js';
import { catalogSearch, createTeamsAdapter, type TeamsAdapter } from '../../adapters/teams/index.js';
import { teamsFeatures } from '../../adapters/teams/features.js';
import type { CliIo, SubCommand } from './io.js';
import { firstSyncWithRetry } from './first-sync.js';
import { startLocalCommands } from './local-commands.js';
import { installProcessHandlers } from './process-handlers.js';
import { githubSourcesFor, openRuntime, type Runtime } from './runtime.js';

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
  const runtime = await openRuntime(config, { logger });
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
  const chatRunLine = (line: string, ctx: CommandContext) => runLine(line, { ...ctx, adminGroups: config.CALLSHEET_ADMINS });
  const slackConfig = slackSettings(config);
  const slackParts = slackConfig ? slackFeatures({ db, logger, clock, config: slackConfig, worker: wake, opener: runtime.pullRequests, runner: runtime.runner }) : undefined;
  const slack = slackConfig
    ? createSlackAdapter({ config: slackConfig, db, logger, clock, staleAfterDays: config.STALE_AFTER_DAYS, runLine: chatRunLine, actions: slackParts!.actions, extensions: slackParts!.extensions })
    : undefined;
  const teams = teamsEnabled(config)
    ? createTeamsAdapter({ config, db, logger, clock, staleAfterDays: config.STALE_AFTER_DAYS, runLine: chatRunLine, search: catalogSearch(db) })
    : undefined;
  const teamsParts = teams ? teamsFeatures({ db, logger, clock, adapter: teams, worker: wake, opener: runtime.pullRequests, runner: runtime.runner }) : undefined;
  const output = options.output ?? process.stdout;

  const notifier = allNotifiers(
    logNotifier(logger),
    ...(slackParts ? [slackParts.taskNotifier] : []),
    ...(teamsParts ? [teamsParts.taskNotifier] : []),
    ...(wantShell ? [shellNotifier((text) => output.write(text.endsWith('\n') ? text : `${text}\n`), (task) => task.requester.platform === 'shell')] : []),
  );
  const taskWorker = runtime.createWorker(notifier);
  worker = taskWorker;

  const webhook = createGithubWebhookRouter({
    secret: config.GITHUB_WEBHOOK_SECRET,
    db,
    logger,
    track,
    onRepositoryChanged: async (org, repo) => {
      for (const id of await githubSourcesFor(runtime, org, repo)) await runtime.sync.syncSource(id, { trees: [`${org}/${repo}`] });
    },
    onRepositoryRemoved: async (org, repo) => {
      for (const id of await githubSourcesFor(runtime, org, repo)) await runtime.sync.syncSource(id, { trees: [`${org}/${repo}`] });
    },
  });

  let ready = false;
  let stopRequested = false;
  const apiAuth = { tokens: config.API_TOKENS, open: config.API_AUTH === 'off' };
  if (apiAuth.open) logger.warn('API_AUTH=off: /api/catalog is open to anyone who can reach the port');
  else if (!apiAuth.tokens.length) logger.info('no API_TOKENS: /api/catalog refuses every request');
  const metricsOnOwnPort = config.METRICS_PORT !== undefined;
  const serverLimits = { requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT, headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT, maxConnections: config.HTTP_MAX_CONNECTIONS };
  const app = createHttpApp({
    db,
    logger,
    isReady: createReadiness({ db, started: () => ready, configuredSources: () => runtime.sync.configuredSources() }),
    apiAuth,
    mounts: [
      // On the main port only behind an API token; on METRICS_PORT, bound to METRICS_HOST, without one.
      ...(metricsOnOwnPort ? [] : [{ path: '/', router: metricsRouter(requireApiToken({ ...apiAuth, logger })) }]),
      { path: '/', router: webhook },
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

  const auditRetention = startAuditRetention({ db, clock, logger, retentionDays: config.AUDIT_RETENTION_DAYS, holder: config.INSTANCE_ID });

  const firstSync = (async () => {
    const reports = await firstSyncWithRetry(runtime.sync, logger, () => stopRequested);
    if (!reports) return;
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
    const requester = await runtime.localRequester('shell');
    shell = startShell({
      input: (options.input ?? process.stdin) as never,
      output: output as never,
      greeting: `Callsheet: ask who owns what. Try "owner payments-api", "find ledger" or "help"; "exit" quits.\n(HTTP on port ${http.port}; logs in ${logFile})`,
      run: async (line, io): Promise<Reply> => {
        await firstSync.catch(() => {});
        const { name, args } = parseLine(line);
        if (name === 'create' && args) return createInShell({ db, clock, runner: runtime.runner, wake: () => taskWorker.wake() }, args, requester, io);
        return runLineAudited(line, runtime.context(requester));
      },
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
      await Promise.all([http.close(), metricsServer?.close()]);
      await localCommands?.close();
      await Promise.allSettled([nudges?.stop(), auditRetention.stop(), taskWorker.stop(), slack?.stop(), teams?.stop(), shell?.close()]);
      // The delivery in flight is finished and recorded, and the run released, before the pool closes.
      await nudgeRunner.stop();
      await Promise.allSettled([...background]);
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
  return 0;
};
