/**
 * The whole service (`startService`) for security tests: an org folder, a template folder, a fake
 * GitHub organisation and the fake Slack Web API; signed slash commands as Slack sends them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/logger.js';
import type { FakeOrg } from '../fakes/github/model.js';
import { startFakeGithub, type FakeGithub } from '../fakes/github/server.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './db.js';
import { signSlack } from './slack-sign.js';
import { writeFiles } from './sync-fixtures.js';

export const SLACK_SECRET = 'security-signing-secret';
export const SLACK_TOKEN = 'xoxb-security-token';

export const yamlDocs = (...docs: string[]) => docs.join('\n---\n');

export function userYaml(name: string, opts: { slack?: string; email?: string; memberOf?: string[]; aad?: string } = {}): string {
  const annotations = [opts.slack ? `    slack.com/user-id: ${opts.slack}` : '', opts.aad ? `    graph.microsoft.com/user-id: ${opts.aad}` : ''].filter(Boolean);
  return `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${name}
${annotations.length ? `  annotations:\n${annotations.join('\n')}\n` : ''}spec:
  profile:
    displayName: ${name}
${opts.email ? `    email: ${opts.email}\n` : ''}  memberOf: [${(opts.memberOf ?? []).join(', ')}]`;
}

export const groupYaml = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
spec:
  type: team
  children: []`;

/** A v1beta3 template only members of `group` may run. */
export const restrictedTemplateYaml = (name: string, group: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
  title: Platform tool
  annotations:
    callsheet.io/allowed-groups: ${group}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Name
      properties:
        name:
          type: string
          title: Name
  steps: []`;

export interface SecurityService {
  service: RunningService;
  slack: FakeSlack;
  github?: FakeGithub;
  dirs: { org: string; templates: string };
  slash(command: string, text: string, user: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startSecurityService(opts: {
  org: Record<string, string>;
  templates: Record<string, string>;
  githubOrg?: FakeOrg;
  /** Extra CATALOG_SOURCES items after the org folder (`{org}`/`{github}` are not needed: pass them whole). */
  extraSources?: string[];
  env?: Record<string, string>;
  /** ORG_SOURCES names the org folder alone. */
  orgFolderOnly?: boolean;
}): Promise<SecurityService> {
  const root = await mkdtemp(join(tmpdir(), 'callsheet-security-'));
  const dirs = { org: join(root, 'org'), templates: join(root, 'templates') };
  await writeFiles(dirs.org, opts.org);
  await writeFiles(dirs.templates, opts.templates);
  const slack = await startFakeSlack({ token: SLACK_TOKEN });
  const github = opts.githubOrg ? await startFakeGithub({ org: opts.githubOrg }) : undefined;
  const database: TestDatabase | undefined = testDatabaseUrl() ? await createTestDatabase() : undefined;
  const config = loadConfig({
    DATA_DIR: join(root, 'data'),
    ...(database?.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4' } : {}),
    CATALOG_SOURCES: [dirs.org, ...(opts.extraSources ?? [])].join(','),
    TEMPLATE_SOURCES: dirs.templates,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NUDGE_ENABLED: 'false',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    ...(github ? { GITHUB_API_URL: github.apiUrl, GITHUB_TOKEN: 'test-token' } : {}),
    ...(opts.orgFolderOnly ? { ORG_SOURCES: dirs.org } : {}),
    ...opts.env,
  });
  const service = await startService(config, { shell: false, logger: silentLogger() });
  await service.firstSync;
  let n = 0;
  return {
    service,
    slack,
    github,
    dirs,
    async slash(command, text, user) {
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: 'T0001',
        team_domain: 'acme',
        channel_id: 'C0GENERAL',
        channel_name: 'general',
        user_id: user,
        user_name: 'someone',
        command,
        text,
        api_app_id: 'A0001',
        response_url: slack.responseUrl(`cmd-${++n}`),
        trigger_id: `trigger-${n}`,
      }).toString();
      const res = await fetch(`http://127.0.0.1:${service.port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlack(SLACK_SECRET, body) },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      await service.stop();
      await slack.close();
      await github?.close();
      await database?.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
