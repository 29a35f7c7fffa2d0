/**
 * publish:github:pull-request — commits the workspace (or its `sourcePath`) into `targetPath` of an
 * existing repository on a new branch and opens a pull request, with Backstage's inputs and outputs
 * (remoteUrl is the pull request's page, pullRequestNumber, targetBranchName).
 */
import { z } from 'zod';
import { commitOnBranch } from '../../github/commit-files.js';
import { branchProblem } from '../../github/git-names.js';
import { githubTarget, workspaceFiles, type GithubActionOptions } from './github-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    branchName: z.string().min(1),
    targetBranchName: z.string().optional(),
    title: z.string().min(1),
    description: z.string(),
    draft: z.boolean().optional(),
    sourcePath: z.string().optional(),
    targetPath: z.string().optional(),
    reviewers: z.array(z.string()).optional(),
    teamReviewers: z.array(z.string()).optional(),
    assignees: z.array(z.string()).optional(),
    commitMessage: z.string().optional(),
    update: z.boolean().optional(),
    filesToDelete: z.array(z.string()).optional(),
    gitAuthorName: z.string().optional(),
    gitAuthorEmail: z.string().optional(),
    createWhenEmpty: z.boolean().optional(),
  })
  .strict();

export function publishGithubPullRequestAction(options: GithubActionOptions) {
  return createAction({
    id: 'publish:github:pull-request',
    description: 'Commits the workspace to a new branch of an existing GitHub repository and opens a pull request',
    schema,
    supportsDryRun: true,
    async handler(ctx) {
      const { input } = ctx;
      const problem = branchProblem(input.branchName);
      if (problem) throw new Error(`branchName: ${problem}`);
      const files = await workspaceFiles(ctx.workspace, input.sourcePath);
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'publish:github:pull-request');
      const { data: info } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
      const base = input.targetBranchName ?? info.default_branch;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would open a pull request from ${input.branchName} into ${base} of ${owner}/${repo} with ${files.length} file(s) under ${input.targetPath ?? '/'}`);
        ctx.output('targetBranchName', base);
        ctx.output('remoteUrl', `${info.html_url}/pull/0`);
        ctx.output('pullRequestNumber', 0);
        return;
      }
      if (!files.length && input.createWhenEmpty === false) {
        ctx.logger.info('No files to commit and createWhenEmpty is false: no pull request opened');
        return;
      }
      const author = input.gitAuthorName && input.gitAuthorEmail ? { name: input.gitAuthorName, email: input.gitAuthorEmail } : undefined;
      const commit = await commitOnBranch(client, { owner, repo, base, branch: input.branchName, files, prefix: input.targetPath, deletes: input.filesToDelete, message: input.commitMessage ?? input.title, author, update: input.update });
      const open = await client.request('GET /repos/{owner}/{repo}/pulls', { owner, repo, head: `${owner}:${input.branchName}`, base, state: 'open', per_page: 1 });
      const pull = open.data[0] ?? (await client.request('POST /repos/{owner}/{repo}/pulls', { owner, repo, title: input.title, body: input.description, head: input.branchName, base, draft: input.draft ?? false })).data;
      if (input.reviewers?.length || input.teamReviewers?.length) {
        await client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { owner, repo, pull_number: pull.number, reviewers: input.reviewers ?? [], team_reviewers: input.teamReviewers ?? [] });
      }
      if (input.assignees?.length) await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', { owner, repo, issue_number: pull.number, assignees: input.assignees });
      ctx.logger.info(`Pull request #${pull.number} ${pull.html_url} from ${input.branchName} (commit ${commit.sha.slice(0, 12)}, ${files.length} file(s))`);
      ctx.output('targetBranchName', base);
      ctx.output('remoteUrl', pull.html_url);
      ctx.output('pullRequestNumber', pull.number);
    },
  });
}
