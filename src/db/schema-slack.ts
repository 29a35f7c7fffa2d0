/** Slack OAuth installations (migration 0018). Tokens are only ever inside `sealed`, encrypted. */
import { boolean, pgTable, text } from 'drizzle-orm/pg-core';
import { tz } from './schema-columns.js';

export const slackInstallations = pgTable('slack_installations', {
  /** `E:<enterprise id>` for an org-wide Enterprise Grid install, else `T:<team id>`. */
  key: text('key').primaryKey(),
  teamId: text('team_id'),
  enterpriseId: text('enterprise_id'),
  isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
  botUserId: text('bot_user_id'),
  scopes: text('scopes').array().notNull().default([]),
  /** When the bot token stops working (token rotation); null when it does not rotate. */
  expiresAt: tz('expires_at'),
  /** Id of the key `sealed` was written with, to find rows still on ENCRYPTION_KEY_PREVIOUS. */
  keyId: text('key_id').notNull(),
  /** The whole installation as Slack returned it (tokens included), encrypted. */
  sealed: text('sealed').notNull(),
  installedAt: tz('installed_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});
