/**
 * Where Slack OAuth installations live: Postgres, one row per workspace (or per Enterprise Grid org
 * for an org-wide install), the installation itself encrypted. The adapter hands in the SDK's
 * installation object as plain JSON; this file knows nothing of Slack's SDK.
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { slackInstallations } from '../db/schema.js';
import type { Encryptor } from '../secrets/encryption.js';

export interface InstallationKey {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

export interface InstallationRow {
  key: InstallationKey;
  botUserId?: string;
  scopes: string[];
  expiresAt?: Date;
  /** The installation as the adapter stores it (tokens included). */
  data: Record<string, unknown>;
}

/** An org-wide install answers for every workspace of its org, so it is keyed by the enterprise. */
export function installationKey(key: InstallationKey): string {
  if (key.isEnterpriseInstall) {
    if (!key.enterpriseId) throw new Error('Slack installation: an org-wide install without an enterprise id');
    return `E:${key.enterpriseId}`;
  }
  if (!key.teamId) throw new Error('Slack installation: no team id');
  return `T:${key.teamId}`;
}

export interface InstallationStore {
  save(row: InstallationRow): Promise<void>;
  find(key: InstallationKey): Promise<Record<string, unknown> | undefined>;
  delete(key: InstallationKey): Promise<boolean>;
  /** Every installation, newest first: work done outside a request (digests, task updates) finds its workspace among them. */
  list(): Promise<Record<string, unknown>[]>;
  /**
   * Runs `refresh` with the row locked (SELECT ... FOR UPDATE), so of several replicas finding the
   * same expiring token only the first refreshes; the others wait, then read the new token.
   * `refresh` returns a replacement row, or undefined when the stored one is still good.
   */
  refreshLocked(key: InstallationKey, refresh: (data: Record<string, unknown>) => Promise<InstallationRow | undefined>): Promise<Record<string, unknown> | undefined>;
}

export function createInstallationStore(db: Db, encryptor: Encryptor): InstallationStore {
  const values = (row: InstallationRow) => ({
    key: installationKey(row.key),
    teamId: row.key.teamId ?? null,
    enterpriseId: row.key.enterpriseId ?? null,
    isEnterpriseInstall: row.key.isEnterpriseInstall ?? false,
    botUserId: row.botUserId ?? null,
    scopes: row.scopes,
    expiresAt: row.expiresAt ?? null,
    keyId: encryptor.keyId,
    sealed: encryptor.encrypt(JSON.stringify(row.data)),
    updatedAt: new Date(),
  });
  const open = (sealed: string) => JSON.parse(encryptor.decrypt(sealed)) as Record<string, unknown>;
  return {
    async save(row) {
      const v = values(row);
      await db.insert(slackInstallations).values(v).onConflictDoUpdate({ target: slackInstallations.key, set: { ...v, installedAt: sql`now()` } });
    },
    async find(key) {
      const [row] = await db.select({ sealed: slackInstallations.sealed }).from(slackInstallations).where(eq(slackInstallations.key, installationKey(key)));
      return row ? open(row.sealed) : undefined;
    },
    async delete(key) {
      const gone = await db.delete(slackInstallations).where(eq(slackInstallations.key, installationKey(key))).returning({ key: slackInstallations.key });
      return gone.length > 0;
    },
    async list() {
      const rows = await db.select({ sealed: slackInstallations.sealed }).from(slackInstallations).orderBy(desc(slackInstallations.installedAt));
      return rows.map((row) => open(row.sealed));
    },
    async refreshLocked(key, refresh) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select({ sealed: slackInstallations.sealed }).from(slackInstallations).where(eq(slackInstallations.key, installationKey(key))).for('update');
        if (!row) return undefined;
        const data = open(row.sealed);
        const next = await refresh(data);
        if (!next) return data;
        const v = values(next);
        await tx.update(slackInstallations).set(v).where(eq(slackInstallations.key, v.key));
        return next.data;
      });
    },
  };
}
