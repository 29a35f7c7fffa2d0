/** github:issues:label — adds labels to an issue or pull request, with Backstage's inputs. */
import { z } from 'zod';
import { githubTarget, type GithubActionOptions } from './github-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    number: z.number().int().positive(),
    labels: z.array(z.string().min(1)).min(1).max(100),
  })
  .strict();

export function githubIssuesLabelAction(options: GithubActionOptions) {
  return createAction({
    id: 'github:issues:label',
    description: 'Adds labels to a GitHub issue or pull request',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'github:issues:label');
      await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner, repo, issue_number: input.number, labels: input.labels });
      ctx.logger.info(`Labelled ${owner}/${repo}#${input.number}: ${input.labels.join(', ')}`);
    },
  });
}
