/**
 * github:repo:create and github:repo:push, Backstage's two halves of publish:github. Through the REST
 * API a repository needs one commit before files can be written, so repo:create makes it with an
 * initial commit and repo:push replaces that placeholder with the workspace as the root commit (as a
 * first `git push` would). repo:push never rewrites a branch that holds more than that placeholder.
 */
import { z } from 'zod';
import type { GithubClient } from '../../github/client.js';
import { refSha } from '../../github/commit-files.js';
import { createRepo, pointDefaultBranch, treeItems } from '../../github/publish.js';
import { GithubWriteError } from '../../github/write-errors.js';
import { githubTarget, workspaceFiles, type GithubActionOptions } from './github-target.js';
import { createAction } from './types.js';

const createSchema = z
  .object({
    repoUrl: z.string().min(1),
    description: z.string().max(350).optional(),
    repoVisibility: z.enum(['private', 'public', 'internal']).default('private'),
    topics: z.array(z.string()).max(20).optional(),
  })
  .strict();

export function githubRepoCreateAction(options: GithubActionOptions) {
  return createAction({
    id: 'github:repo:create',
    description: 'Creates a GitHub repository (with a placeholder commit that github:repo:push replaces)',
    schema: createSchema,
    async handler(ctx) {
      const { input } = ctx;
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'github:repo:create');
      const created = await createRepo(client, { owner, repo, description: input.description, visibility: input.repoVisibility, files: [], commitMessage: '' });
      if (input.topics?.length) await client.request('PUT /repos/{owner}/{repo}/topics', { owner, repo, names: input.topics });
      ctx.logger.info(`Created ${created.html_url}`);
      ctx.output('remoteUrl', created.clone_url);
      ctx.output('repoContentsUrl', `${created.html_url}/blob/${created.default_branch}`);
    },
  });
}

const pushSchema = z
  .object({
    repoUrl: z.string().min(1),
    defaultBranch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/).default('master'),
    sourcePath: z.string().default('./'),
    gitCommitMessage: z.string().min(1).max(10_000).default('initial commit'),
    gitAuthorName: z.string().min(1).max(200).optional(),
    gitAuthorEmail: z.string().email().optional(),
  })
  .strict();

/** True when the branch holds nothing but GitHub's auto_init commit: one parentless commit of a lone README.md. */
async function onlyPlaceholder(client: GithubClient, owner: string, repo: string, sha: string): Promise<boolean> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { owner, repo, commit_sha: sha });
  if (data.parents.length !== 0) return false;
  const { data: tree } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: data.tree.sha });
  return tree.tree.length === 1 && tree.tree[0]!.path === 'README.md';
}

export function githubRepoPushAction(options: GithubActionOptions) {
  return createAction({
    id: 'github:repo:push',
    description: 'Pushes the workspace to a GitHub repository made by github:repo:create, as its first commit',
    schema: pushSchema,
    async handler(ctx) {
      const { input } = ctx;
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'github:repo:push');
      const { data: info } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
      const head = await refSha(client, owner, repo, info.default_branch);
      if (!head) throw new GithubWriteError(`${owner}/${repo} has no commit to replace; create it with github:repo:create`);
      const target = await refSha(client, owner, repo, input.defaultBranch);
      if (!(await onlyPlaceholder(client, owner, repo, head)) || (target && target !== head)) {
        throw new GithubWriteError(`${owner}/${repo} already has history on ${info.default_branch}; github:repo:push only makes a repository's first commit (nothing was changed)`);
      }
      const files = await workspaceFiles(ctx.workspace, input.sourcePath);
      const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', { owner, repo, tree: await treeItems(client, owner, repo, files) });
      const author = input.gitAuthorName && input.gitAuthorEmail ? { author: { name: input.gitAuthorName, email: input.gitAuthorEmail } } : {};
      const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', { owner, repo, message: input.gitCommitMessage, tree: tree.sha, parents: [], ...author });
      await pointDefaultBranch(client, owner, repo, info.default_branch, input.defaultBranch, commit.sha);
      ctx.logger.info(`Pushed ${files.length} file(s) to ${info.html_url} (${input.defaultBranch}, commit ${commit.sha.slice(0, 12)})`);
      ctx.output('remoteUrl', info.clone_url);
      ctx.output('repoContentsUrl', `${info.html_url}/blob/${input.defaultBranch}`);
      ctx.output('commitHash', commit.sha);
    },
  });
}
