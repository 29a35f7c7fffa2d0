/** Shared by the nudge fault tests: the replicas' environment, a one-off schedule, the CLI as a process, and the counts read back from the fake Slack. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { FakeSlack } from '../fakes/slack-api.js';
import { ensureBuilt, projectRoot } from './harness/index.js';

export const FALLBACK = 'C0FALLBACK';

/** Slack (the fake), the catalog folder and nudges on; the schedule by default never fires during a test. */
export function nudgeEnv(slack: FakeSlack, catalogDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NUDGE_ENABLED: 'true',
    NUDGE_SCHEDULE: '0 0 1 1 *',
    NUDGE_TIMEZONE: 'UTC',
    NUDGE_FALLBACK_CHANNEL: FALLBACK,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'fault-suite-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    CATALOG_SOURCES: catalogDir,
    ...extra,
  };
}

/** Owners of the Templates in ./templates, which replicas sync by default (TEMPLATE_SOURCES) next to the test's catalog. */
export function bundledTemplateOwners(): Set<string> {
  const dir = join(projectRoot, 'templates');
  const owners = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => (parse(readFileSync(join(dir, d.name, 'template.yaml'), 'utf8')) as { spec?: { owner?: string } }).spec?.owner)
    .filter((o): o is string => typeof o === 'string');
  return new Set(owners);
}

/** A six-field cron expression (with seconds) that fires once, `ms` from now (UTC), and its time. */
export function scheduleIn(ms: number): { cron: string; at: Date } {
  const at = new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);
  return { cron: `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`, at };
}

interface DigestMetadata {
  event_type?: string;
  event_payload?: { key?: string; run?: number; team?: string };
}

/** Keys of the digests in the fallback channel's history (as `conversations.history` would show them). */
export function digestKeys(slack: FakeSlack): string[] {
  return slack
    .messages(FALLBACK)
    .map((m) => m.metadata as DigestMetadata | undefined)
    .filter((m) => m?.event_type === 'callsheet_digest')
    .map((m) => String(m!.event_payload?.key));
}

/** Every team's digest of the run is in the channel exactly once. */
export function expectEachDigestOnce(slack: FakeSlack, runId: number, teams: number): void {
  const keys = digestKeys(slack).filter((k) => k.startsWith(`callsheet-nudge/${runId}/`));
  const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
  expect(duplicates, 'digests posted twice').toEqual([]);
  expect(new Set(keys).size, 'digests posted').toBe(teams);
  const ts = slack.messages(FALLBACK).map((m) => m.ts);
  expect(new Set(ts).size).toBe(ts.length);
}

/** `node dist/src/cli/main.js <args>` with a replica's environment. */
export async function runCli(databaseUrl: string, instance: string, extra: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = await ensureBuilt();
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[key]) env[key] = process.env[key]!;
  Object.assign(env, { NODE_ENV: 'production', DATABASE_URL: databaseUrl, INSTANCE_ID: instance, LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(join(tmpdir(), `callsheet-faults-${instance}-`)) }, extra);
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd: projectRoot, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}
