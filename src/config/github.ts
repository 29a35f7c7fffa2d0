import { z } from 'zod';
import { optionalString, url } from './fields.js';

/** GitHub organisation sources, GitHub App or token auth, and the push webhook. */
export const githubEnv = z.object({
  GITHUB_TOKEN: optionalString,
  GITHUB_APP_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), { message: 'expected the numeric GitHub App id' }),
  /** PEM key; `\n` escapes (one-line env files, Kubernetes secrets) become newlines. */
  GITHUB_APP_PRIVATE_KEY: optionalString.transform((v) => v?.replace(/\\n/g, '\n').trim()).refine(
    (v) => v === undefined || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v),
    { message: 'expected a PEM private key (-----BEGIN ... PRIVATE KEY-----)' },
  ),
  /** REST base URL: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server. */
  GITHUB_API_URL: url,
  GITHUB_WEBHOOK_SECRET: optionalString,
});

export type GithubConfig = z.output<typeof githubEnv>;
