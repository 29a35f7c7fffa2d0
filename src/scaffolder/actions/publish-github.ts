/**
 * publish:github — creates a GitHub repository and pushes the workspace as one commit, with
 * Backstage's input names so templates written for Backstage run unchanged. Backstage's schema judges
 * the input (createAction); options Callsheet does not apply (branch protection, collaborators, a
 * template-typed `token`, ...) are reported as ignored in the step log rather than failing the run.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { GithubClient } from '../../github/client.js';
import { publishRepository, type PublishFile } from '../../github/publish.js';
import { parseRepoUrl } from '../filters.js';
import { createAction } from './types.js';

export interface PublishGithubOptions {
  /** A client allowed to create repositories under `owner` (token or the App's installation). */
  client: (owner: string) => Promise<GithubClient>;
  /** Host of the configured GitHub (github.com or the Enterprise Server host): other hosts are refused. */
  host: string;
}

const schema = z
  .object({
    repoUrl: z.string().min(1),
    description: z.string().max(350).optional(),
    repoVisibility: z.enum(['private', 'public', 'internal']).default('private'),
    defaultBranch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/).default('master'),
    sourcePath: z.string().default('./'),
    gitCommitMessage: z.string().min(1).max(10_000).default('initial commit'),
    gitAuthorName: z.string().min(1).max(200).optional(),
    gitAuthorEmail: z.string().email().optional(),
    topics: z.array(z.string()).max(20).optional(),
  })
  .strict();

export function publishGithubAction(options: PublishGithubOptions) {
  return createAction({
    id: 'publish:github',
    description: 'Creates a GitHub repository and pushes the workspace to it as one commit',
    schema,
    async handler(ctx) {
      const input = ctx.input;
      const spec = parseRepoUrl(input.repoUrl);
      if (spec.host !== options.host) throw new Error(`repoUrl host ${spec.host} is not the configured GitHub (${options.host})`);
      const owner = spec.owner ?? spec.organization;
      if (!owner) throw new Error(`repoUrl ${input.repoUrl} names no owner`);

      const root = await ctx.workspace.resolve(input.sourcePath);
      const files: PublishFile[] = [];
      for (const path of await ctx.workspace.list()) {
        const full = join(ctx.workspace.root, path);
        const inside = relative(root, full);
        if (inside.startsWith('..')) continue;
        const info = await stat(full);
        files.push({ path: inside.split('\\').join('/'), content: await readFile(full), executable: (info.mode & 0o111) !== 0 });
      }
      const client = await options.client(owner);
      const result = await publishRepository(client, {
        owner,
        repo: spec.repo,
        description: input.description,
        visibility: input.repoVisibility,
        defaultBranch: input.defaultBranch,
        topics: input.topics,
        files,
        commitMessage: input.gitCommitMessage,
        author: input.gitAuthorName && input.gitAuthorEmail ? { name: input.gitAuthorName, email: input.gitAuthorEmail } : undefined,
      });
      ctx.logger.info(`Created ${result.htmlUrl} with ${files.length} files in commit ${result.commitHash.slice(0, 12)}`);
      ctx.output('remoteUrl', result.remoteUrl);
      ctx.output('repoContentsUrl', result.repoContentsUrl);
      ctx.output('commitHash', result.commitHash);
    },
  });
}
