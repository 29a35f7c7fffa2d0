/**
 * publish:gitlab — creates a GitLab project in the group (or user namespace) `repoUrl` names and
 * commits the workspace to its default branch as one commit (GitLab's commits API, so no token ever
 * reaches a git command line). Backstage's inputs and outputs; options Callsheet does not apply
 * (owners, variables, protected branches, signing, a template-typed token) are reported, not failed.
 */
import { z } from 'zod';
import { statusOf } from '../../gitlab/client.js';
import { workspaceFiles } from './github-target.js';
import { gitlabTarget, type GitlabActionOptions } from './gitlab-target.js';
import { createAction } from './types.js';

const visibility = z.enum(['private', 'public', 'internal']);
const schema = z
  .object({
    repoUrl: z.string().min(1),
    repoVisibility: visibility.optional(),
    defaultBranch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/).default('master'),
    gitCommitMessage: z.string().min(1).max(10_000).default('initial commit'),
    gitAuthorName: z.string().min(1).max(200).optional(),
    gitAuthorEmail: z.string().email().optional(),
    sourcePath: z.union([z.string(), z.boolean()]).optional(),
    skipExisting: z.boolean().default(false),
    topics: z.array(z.string()).max(20).optional(),
    settings: z
      .object({ name: z.string().optional(), path: z.string().optional(), description: z.string().max(2000).optional(), visibility: visibility.optional(), topics: z.array(z.string()).max(20).optional() })
      .passthrough()
      .optional(),
  })
  .strict();

export function publishGitlabAction(options: GitlabActionOptions) {
  return createAction({
    id: 'publish:gitlab',
    description: 'Creates a GitLab project and commits the workspace to it',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const { owner, repo, client } = gitlabTarget(options, input.repoUrl, 'publish:gitlab');
      const path = input.settings?.path ?? repo;
      const existing = await client.Projects.show(`${owner}/${path}`).catch((e: unknown) => (statusOf(e) === 404 ? undefined : Promise.reject(e)));
      if (existing && input.skipExisting) {
        const remoteUrl = String(existing.http_url_to_repo).replace(/\.git$/, '');
        ctx.logger.info(`${remoteUrl} exists and skipExisting is set: nothing published`);
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('repoContentsUrl', `${remoteUrl}/-/blob/${existing.default_branch ?? input.defaultBranch}`);
        ctx.output('projectId', existing.id);
        ctx.output('created', false);
        return;
      }
      if (existing) throw new Error(`publish:gitlab: project ${owner}/${path} already exists (set skipExisting to reuse it)`);
      const namespace = await client.Namespaces.show(owner).catch((e: unknown) => {
        throw statusOf(e) === 404 ? new Error(`publish:gitlab: no GitLab group or user ${owner} (or the token may not see it)`) : e;
      });
      const project = await client.Projects.create({
        name: input.settings?.name ?? repo,
        path,
        namespaceId: namespace.id as number,
        visibility: input.settings?.visibility ?? input.repoVisibility ?? 'private',
        ...(input.settings?.description ? { description: input.settings.description } : {}),
        ...((input.settings?.topics ?? input.topics)?.length ? { topics: input.settings?.topics ?? input.topics } : {}),
      });
      const remoteUrl = String(project.http_url_to_repo).replace(/\.git$/, '');
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', `${remoteUrl}/-/blob/${input.defaultBranch}`);
      ctx.output('projectId', project.id);
      ctx.output('created', true);
      if (input.sourcePath === false) return void ctx.logger.info(`Created ${remoteUrl}, empty (sourcePath is false)`);
      const files = await workspaceFiles(ctx.workspace, typeof input.sourcePath === 'string' ? input.sourcePath : './');
      const commit = await client.Commits.create(
        project.id as number,
        input.defaultBranch,
        input.gitCommitMessage,
        files.map((f) => ({ action: 'create' as const, filePath: f.path, content: f.content.toString('base64'), encoding: 'base64' as const, ...(f.executable ? { executeFilemode: true } : {}) })),
        { ...(input.gitAuthorName ? { authorName: input.gitAuthorName } : {}), ...(input.gitAuthorEmail ? { authorEmail: input.gitAuthorEmail } : {}) },
      );
      if (project.default_branch && project.default_branch !== input.defaultBranch) await client.Projects.edit(project.id as number, { defaultBranch: input.defaultBranch });
      ctx.logger.info(`Created ${remoteUrl} with ${files.length} files in commit ${String(commit.id).slice(0, 12)}`);
      ctx.output('commitHash', commit.id);
    },
  });
}
