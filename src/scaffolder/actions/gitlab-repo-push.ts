/**
 * gitlab:repo:push — commits the workspace (or `sourcePath`) into `targetPath` of an existing GitLab
 * project on `branchName` (created from the default branch when missing), with Backstage's inputs
 * and outputs. `commitAction` defaults to `create` as in Backstage; `auto` creates, updates or skips
 * each file by what the branch holds. A template's own `token` is not used: GITLAB_TOKEN is.
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { statusOf } from '../../gitlab/client.js';
import { branchProblem } from '../../github/git-names.js';
import { workspaceFiles } from './github-target.js';
import { fileOn } from './gitlab-merge-request.js';
import { gitlabTarget, type GitlabActionOptions } from './gitlab-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    branchName: z.string().min(1),
    commitMessage: z.string().min(1).max(10_000),
    sourcePath: z.string().optional(),
    targetPath: z.string().optional(),
    commitAction: z.enum(['create', 'update', 'delete', 'auto']).default('create'),
    allowEmpty: z.boolean().default(false),
  })
  .strict();

export function gitlabRepoPushAction(options: GitlabActionOptions) {
  return createAction({
    id: 'gitlab:repo:push',
    description: 'Commits the workspace to a branch of an existing GitLab project',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const problem = branchProblem(input.branchName);
      if (problem) throw new Error(`branchName: ${problem}`);
      const { projectPath, client } = gitlabTarget(options, input.repoUrl, 'gitlab:repo:push');
      const project = await client.Projects.show(projectPath).catch((e: unknown) => {
        throw statusOf(e) === 404 ? new Error(`gitlab:repo:push: no GitLab project ${projectPath} (or the token may not see it)`) : e;
      });
      const files = await workspaceFiles(ctx.workspace, input.sourcePath || './');
      const prefix = input.targetPath && input.targetPath !== '.' ? input.targetPath : '';
      const exists = await client.Branches.show(projectPath, input.branchName).then(() => true, (e: unknown) => (statusOf(e) === 404 ? false : Promise.reject(e)));
      // Files are compared on the branch pushed to, or (new branch) on the one it starts from.
      const base = exists ? input.branchName : String(project.default_branch);
      const actions = [];
      for (const file of files) {
        const filePath = posix.normalize(prefix ? posix.join(prefix, file.path) : file.path);
        if (filePath.startsWith('..') || posix.isAbsolute(filePath)) throw new Error(`gitlab:repo:push: targetPath ${input.targetPath} leaves the repository`);
        let action: string = input.commitAction;
        if (action === 'auto') {
          const current = await fileOn(client, projectPath, filePath, base);
          if (current?.equals(file.content)) continue;
          action = current ? 'update' : 'create';
        }
        actions.push({ action: action as 'create' | 'update' | 'delete', filePath, ...(action === 'delete' ? {} : { content: file.content.toString('base64'), encoding: 'base64' as const }), ...(file.executable && action !== 'delete' ? { executeFilemode: true } : {}) });
      }
      if (!exists) await client.Branches.create(projectPath, input.branchName, base);
      ctx.output('projectid', projectPath);
      ctx.output('projectPath', projectPath);
      if (!actions.length && !input.allowEmpty) return void ctx.logger.info(`No file differs from ${base}: nothing committed`);
      try {
        const commit = await client.Commits.create(projectPath, input.branchName, input.commitMessage, actions, { ...(actions.length ? {} : { allowEmpty: true }) } as never);
        ctx.logger.info(`Committed ${actions.length} file change(s) to ${projectPath}@${input.branchName}: ${String(commit.id).slice(0, 12)}`);
        ctx.output('commitHash', commit.id);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(`gitlab:repo:push: committing to ${projectPath}@${input.branchName} failed: ${why}${input.commitAction === 'create' && /exists/i.test(why) ? ' (commitAction is create; use update or auto for files that exist)' : ''}`);
      }
    },
  });
}
