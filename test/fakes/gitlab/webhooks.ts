/** GitLab webhook deliveries as GitLab sends them: headers and the push / system hook payloads. */
import { randomUUID } from 'node:crypto';
import type { FakeProject } from './model.js';

export function pushPayload(project: FakeProject, files: string[], options: { ref?: string; totalCommits?: number } = {}) {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: '1'.repeat(40),
    after: project.commits.at(-1)?.id ?? '2'.repeat(40),
    ref: options.ref ?? `refs/heads/${project.default_branch}`,
    project_id: project.id,
    project: { id: project.id, name: project.name, path_with_namespace: project.path_with_namespace, default_branch: project.default_branch },
    commits: [{ id: project.commits.at(-1)?.id ?? '2'.repeat(40), message: 'edit', added: [], modified: files, removed: [] }],
    total_commits_count: options.totalCommits ?? 1,
  };
}

/** A system hook (or group hook project event) about a project. */
export function projectEvent(event: 'project_create' | 'project_destroy' | 'project_rename' | 'project_transfer' | 'project_update', path: string, oldPath?: string) {
  return { event_name: event, name: path.split('/').at(-1), path: path.split('/').at(-1), path_with_namespace: path, ...(oldPath ? { old_path_with_namespace: oldPath } : {}), project_visibility: 'private' };
}

export async function deliver(url: string, body: unknown, options: { token?: string | null; uuid?: string; event?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-gitlab-event': options.event ?? ((body as { object_kind?: string }).object_kind === 'push' ? 'Push Hook' : 'System Hook') };
  if (options.token !== null) headers['x-gitlab-token'] = options.token ?? 'gitlab-hook-secret';
  headers['x-gitlab-event-uuid'] = options.uuid ?? randomUUID();
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
