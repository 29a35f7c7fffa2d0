/**
 * Every action id Callsheet can run when fully configured (GitHub, GitLab, a catalog, chat, a `rails` program), for checks made
 * without a running service (`callsheet validate`) and for the README's list. Built from the real
 * registry with inert ports, so it cannot drift from what builtinActions registers.
 */
import { backstageSchemaOf } from './backstage-contract.js';
import { builtinActions } from './index.js';

const inert = async (): Promise<never> => {
  throw new Error('inert port: only the action ids are read');
};

export function builtinActionIds(): string[] {
  return builtinActions({
    registrar: { register: inert },
    publishGit: { reposDir: '/nonexistent' },
    github: { host: 'github.com', client: inert },
    gitlab: { host: 'gitlab.com', client: inert as never },
    catalog: { byRefs: inert },
    notifications: { deliver: inert },
    rails: { command: 'rails' },
  }).ids();
}

/** Why an action a template names is not registered on this host, for the refusal before its form. */
export function missingActionReason(id: string): string | undefined {
  if (id === 'fetch:rails') return 'no rails program is installed on the Callsheet host (on Debian: apt-get install ruby-railties)';
  if (builtinActionIds().includes(id)) return id.startsWith('publish:gitlab') || id.startsWith('gitlab:') ? 'GitLab is not configured (GITLAB_TOKEN)' : 'GitHub is not configured (GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)';
  const backstage = backstageSchemaOf(id);
  return backstage ? `Backstage's ${backstage.package} action is not implemented in Callsheet` : undefined;
}
