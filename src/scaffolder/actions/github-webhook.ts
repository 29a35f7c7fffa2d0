/** github:webhook — adds a webhook to a repository, with Backstage's inputs; a dry run only says what it would add. */
import { z } from 'zod';
import { githubTarget, type GithubActionOptions } from './github-target.js';
import { createAction } from './types.js';

const schema = z
  .object({
    repoUrl: z.string().min(1),
    webhookUrl: z.string().url(),
    webhookSecret: z.string().optional(),
    events: z.union([z.array(z.string()), z.array(z.literal('*'))]).default(['push']),
    active: z.boolean().default(true),
    contentType: z.enum(['form', 'json']).default('form'),
    insecureSsl: z.boolean().default(false),
  })
  .strict();

export function githubWebhookAction(options: GithubActionOptions) {
  return createAction({
    id: 'github:webhook',
    description: 'Creates a webhook on a GitHub repository',
    schema,
    supportsDryRun: true,
    async handler(ctx) {
      const { input } = ctx;
      if (new URL(input.webhookUrl).protocol !== 'https:' && !input.insecureSsl) ctx.logger.warn(`webhookUrl ${input.webhookUrl} is not https`);
      const { owner, repo, client } = await githubTarget(options, input.repoUrl, 'github:webhook');
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would add a webhook to ${owner}/${repo} for ${input.events.join(', ')}`);
        return;
      }
      await client.request('POST /repos/{owner}/{repo}/hooks', {
        owner,
        repo,
        config: { url: input.webhookUrl, content_type: input.contentType, insecure_ssl: input.insecureSsl ? '1' : '0', ...(input.webhookSecret ? { secret: input.webhookSecret } : {}) },
        events: input.events,
        active: input.active,
      });
      ctx.logger.info(`Webhook ${new URL(input.webhookUrl).host} added to ${owner}/${repo} for ${input.events.join(', ')}`);
    },
  });
}
