/** github:actions:dispatch — starts a workflow_dispatch run, with Backstage's inputs and outputs. */
import { z } from 'zod';
import { githubTarget, type GithubActionOptions } from './github-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    workflowId: z.string().min(1),
    branchOrTagName: z.string().min(1),
    workflowInputs: z.record(z.string()).optional(),
    returnWorkflowRunDetails: z.boolean().optional(),
  })
  .strict();

export function githubActionsDispatchAction(options: GithubActionOptions) {
  return createAction({
    id: 'github:actions:dispatch',
    description: 'Dispatches a GitHub Actions workflow for a branch or tag',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'github:actions:dispatch');
      const { data } = await client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: input.workflowId,
        ref: input.branchOrTagName,
        inputs: input.workflowInputs,
        ...(input.returnWorkflowRunDetails ? { return_run_details: true } : {}),
      } as never);
      const run = (data ?? {}) as { workflow_run_id?: number; run_url?: string; html_url?: string };
      ctx.logger.info(`Workflow ${input.workflowId} dispatched on ${input.branchOrTagName} of ${owner}/${repo}`);
      if (input.returnWorkflowRunDetails && run.workflow_run_id !== undefined) {
        ctx.output('workflowRunId', run.workflow_run_id);
        ctx.output('workflowRunUrl', run.run_url);
        ctx.output('workflowRunHtmlUrl', run.html_url);
      }
    },
  });
}
