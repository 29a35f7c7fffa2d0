import { z } from 'zod';
import { optionalString } from './fields.js';

/** GitLab (gitlab.com or self-managed): the API token, its web root, and the webhook's secret token. */
export const gitlabEnv = z.object({
  GITLAB_TOKEN: optionalString,
  /** Web root of the GitLab instance; the API is at `<GITLAB_URL>/api/v4`. */
  GITLAB_URL: z
    .string()
    .default('https://gitlab.com')
    .refine((v) => /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(v.trim()), { message: 'expected a URL such as https://gitlab.example.com' })
    .transform((v) => v.trim().replace(/\/+$/, '')),
  GITLAB_WEBHOOK_SECRET: optionalString,
});

export type GitlabConfig = z.output<typeof gitlabEnv>;
