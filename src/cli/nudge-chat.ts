/**
 * `callsheet nudge` with the configured chat platforms: the same digest senders and member
 * directories as `serve`, so `--now` posts where a scheduled run would and `--dry-run` routes alike.
 */
import { systemClock } from '../clock.js';
import { slackSettings } from '../config/slack.js';
import { runLine } from '../commands/run.js';
import { createNudgeCli, type ChatFactory, type NudgeHost } from './nudge.js';

const chat: ChatFactory = async ({ config, db, logger }) => {
  const clock = systemClock;
  const parts = [];
  const slack = slackSettings(config);
  // The chat SDKs load only when that platform is configured (the local server imports this file).
  if (slack) {
    const { slackFeatures } = await import('../../adapters/slack/features.js');
    parts.push(slackFeatures({ db, logger, clock, config: slack }));
  }
  if (config.MICROSOFT_APP_ID) {
    const [{ catalogSearch, createTeamsAdapter }, { teamsFeatures }] = await Promise.all([import('../../adapters/teams/index.js'), import('../../adapters/teams/features.js')]);
    const adapter = createTeamsAdapter({ config, db, logger, clock, staleAfterDays: config.STALE_AFTER_DAYS, runLine, search: catalogSearch(db) });
    parts.push(teamsFeatures({ db, logger, clock, adapter }));
  }
  if (parts.length === 0) return undefined;
  return { senders: parts.map((p) => p.digestSender), directories: parts.map((p) => p.memberDirectory) };
};

export const nudgeCli = createNudgeCli(chat);

/** The same command inside a running server, on its configuration and open database. */
export const nudgeCliWith = (host: NudgeHost) => createNudgeCli(chat, undefined, host);
