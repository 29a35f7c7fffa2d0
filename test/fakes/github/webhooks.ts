/** GitHub webhook deliveries as GitHub sends them: headers, signature over the raw body, payloads. */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export async function delivery(secret: string | undefined, event: string, payload: unknown, id: string = randomUUID()): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'user-agent': 'GitHub-Hookshot/fake' };
  if (secret) headers['x-hub-signature-256'] = await sign(secret, body);
  return { headers, body };
}

export async function post(url: string, d: Delivery): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an error page): keep the text.
  }
  return { status: res.status, body };
}

const repository = (org: string, name: string, defaultBranch = 'main') => ({ id: 1, name, full_name: `${org}/${name}`, default_branch: defaultBranch, owner: { login: org, type: 'Organization' } });

export function pushPayload(org: string, repo: string, options: { branch?: string; defaultBranch?: string; modified?: string[] } = {}) {
  const modified = options.modified ?? ['catalog-info.yaml'];
  const commit = { id: 'abc', message: 'change', added: [], removed: [], modified };
  return { ref: `refs/heads/${options.branch ?? 'main'}`, before: '0'.repeat(40), after: '1'.repeat(40), deleted: false, commits: [commit], head_commit: commit, repository: repository(org, repo, options.defaultBranch) };
}

export function repositoryPayload(org: string, repo: string, action: string, changes?: unknown) {
  return { action, repository: repository(org, repo), ...(changes ? { changes } : {}) };
}
