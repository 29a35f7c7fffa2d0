/** A sync service reading `gitlab:` sources from a fake GitLab, wired as the runtime wires it. */
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { createGitlabClient, type GitlabClient } from '../../src/gitlab/client.js';
import { silentLogger } from '../../src/logger.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { gitlabDriver } from '../../src/sync/sources/gitlab.js';
import { gitlabOrgDriver } from '../../src/sync/sources/gitlab-org.js';
import type { FakeGitlab } from '../fakes/gitlab/server.js';
import type { FakeProject } from '../fakes/gitlab/model.js';
import { syncConfig } from './sync-fixtures.js';

export function fakeGitlabClient(fake: FakeGitlab, extra: { maxRetries?: number; onRequest?: (method: string, url: string, status: number) => void } = {}): GitlabClient {
  return createGitlabClient({ url: fake.url, token: 'test-token', logger: silentLogger(), sleep: async () => {}, ...extra });
}

export function gitlabSyncService(db: Db, fake: FakeGitlab, sources: string[], client = fakeGitlabClient(fake)): SyncService {
  return createSyncService({
    db,
    config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: sources }),
    logger: silentLogger(),
    clock: fixedClock('2026-02-01T00:00:00Z'),
    drivers: {
      gitlab: (source) => (/^gitlab-org:/i.test(source) ? gitlabOrgDriver : gitlabDriver)({ source, client: () => client, logger: silentLogger() }),
    },
  });
}

/** A push to the default branch: files set (null deletes), last activity moves. */
export function push(project: FakeProject, files: Record<string, string | null>, model: { commit: (p: FakeProject, input: never) => unknown }): void {
  const current = project.branches.get(project.default_branch)!;
  const actions = Object.entries(files).map(([file_path, content]) => (content === null ? { action: 'delete', file_path } : { action: current.has(file_path) ? 'update' : 'create', file_path, content }));
  model.commit(project, { branch: project.default_branch, commit_message: 'edit', actions } as never);
}
