/**
 * Every action id Callsheet can run when fully configured (GitHub, GitLab, a catalog, chat), for checks made
 * without a running service (`callsheet validate`) and for the README's list. Built from the real
 * registry with inert ports, so it cannot drift from what builtinActions registers.
 */
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
  }).ids();
}
