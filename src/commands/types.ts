import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { OnCallService } from '../oncall/service.js';
import type { Reply } from '../reply/reply.js';
import type { Requester } from '../reply/requester.js';

export type { Platform, Requester } from '../reply/requester.js';


export interface CommandContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  requester: Requester;
  /** Days after which an unchanged, unconfirmed catalog file is stale. */
  staleAfterDays: number;
  /** CALLSHEET_ADMINS: groups whose members may use admin commands (`audit`). None when absent. */
  adminGroups?: readonly string[];
  /** BACKSTAGE_URL: when set, answers link to the entity's Backstage page and TechDocs. */
  backstageUrl?: string;
  /** Live on-call answers (PagerDuty, Opsgenie); without it `owner` shows the annotations only. */
  oncall?: OnCallService;
  /** PAGE_ALLOWED_GROUPS: groups whose members may press Page. None: nobody. */
  pageAllowedGroups?: readonly string[];
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line for help. */
  summary: string;
  usage: string;
  example: string;
  run(args: string, ctx: CommandContext): Promise<Reply>;
}
