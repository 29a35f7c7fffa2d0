/**
 * publish:gitlab:merge-request — commits the workspace (or `sourcePath`) into `targetPath` of an
 * existing GitLab project on `branchName` and opens a merge request into `targetBranchName` (the
 * default branch when absent), with Backstage's inputs and outputs. `commitAction: auto` (the
 * default) asks per file whether it exists on the target branch: create, update, or skip when equal.
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { statusOf, type GitlabClient } from '../../gitlab/client.js';
import { branchProblem } from '../../github/git-names.js';
import { workspaceFiles } from './github-target.js';
import { gitlabTarget, userIds, type GitlabActionOptions } from './gitlab-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    title: z.string().min(1).max(255),
    description: z.string().max(1_000_000).optional(),
    branchName: z.string().min(1),
    targetBranchName: z.string().optional(),
    sourcePath: z.string().optional(),
    targetPath: z.string().optional(),
    commitAction: z.enum(['create', 'delete', 'update', 'skip', 'auto']).default('auto'),
    projectid: z.string().optional(),
    removeSourceBranch: z.boolean().default(false),
    assignee: z.string().optional(),
    reviewers: z.array(z.string()).max(50).optional(),
    labels: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

export async function fileOn(client: GitlabClient, project: string, path: string, ref: string): Promise<Buffer | undefined> {
  try {
    const file = await client.RepositoryFiles.show(project, path, ref);
    return Buffer.from(String(file.content), 'base64');
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export function publishGitlabMergeRequestAction(options: GitlabActionOptions) {
  return createAction({
    id: 'publish:gitlab:merge-request',
    description: 'Commits the workspace to a branch of an existing GitLab project and opens a merge request',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const problem = branchProblem(input.branchName);
      if (problem) throw new Error(`branchName: ${problem}`);
      const { projectPath, client } = gitlabTarget(options, input.repoUrl, 'publish:gitlab:merge-request');
      const projectRef = input.projectid ?? projectPath;
      const project = await client.Projects.show(projectRef).catch((e: unknown) => {
        throw statusOf(e) === 404 ? new Error(`publish:gitlab:merge-request: no GitLab project ${projectRef} (or the token may not see it)`) : e;
      });
      const target = input.targetBranchName ?? String(project.default_branch);
      // As Backstage: sourcePath falls back to targetPath (use `.` to take the whole workspace).
      const files = await workspaceFiles(ctx.workspace, input.sourcePath || input.targetPath || './');
      const prefix = input.targetPath && input.targetPath !== '.' ? input.targetPath : '';
      const actions = [];
      for (const file of files) {
        const filePath = posix.normalize(prefix ? posix.join(prefix, file.path) : file.path);
        if (filePath.startsWith('..')) throw new Error(`targetPath ${input.targetPath} leaves the repository`);
        let action: string = input.commitAction;
        if (action === 'skip') continue;
        if (action === 'auto') {
          const current = await fileOn(client, projectRef, filePath, target);
          if (current?.equals(file.content)) continue;
          action = current ? 'update' : 'create';
        }
        actions.push({ action: action as 'create' | 'update' | 'delete', filePath, ...(action === 'delete' ? {} : { content: file.content.toString('base64'), encoding: 'base64' as const }) });
      }
      const exists = await client.Branches.show(projectRef, input.branchName).then(() => true, (e: unknown) => (statusOf(e) === 404 ? false : Promise.reject(e)));
      if (!exists) await client.Branches.create(projectRef, input.branchName, target);
      if (actions.length) await client.Commits.create(projectRef, input.branchName, input.title, actions);
      else ctx.logger.info(`No file differs from ${target}: nothing committed`);
      const assigneeIds = input.assignee ? await userIds(client, [input.assignee], 'assignee') : [];
      const reviewerIds = input.reviewers?.length ? await userIds(client, input.reviewers, 'reviewers') : [];
      const labels = typeof input.labels === 'string' ? input.labels : input.labels?.join(',');
      const mr = await client.MergeRequests.create(projectRef, input.branchName, target, input.title, {
        description: input.description ?? '',
        removeSourceBranch: input.removeSourceBranch,
        ...(assigneeIds.length ? { assigneeId: assigneeIds[0] } : {}),
        ...(reviewerIds.length ? { reviewerIds } : {}),
        ...(labels ? { labels } : {}),
      });
      ctx.logger.info(`Merge request !${mr.iid} ${mr.web_url} from ${input.branchName} into ${target} (${actions.length} file change(s))`);
      ctx.output('projectid', projectRef);
      ctx.output('projectPath', String(project.path_with_namespace));
      ctx.output('targetBranchName', target);
      ctx.output('mergeRequestUrl', mr.web_url);
    },
  });
}
