/**
 * publish:git — commits the workspace as one commit and pushes it to any plain Git remote with the
 * `git` program. Without `remoteUrl` it creates a bare repository `<name>.git` under the configured
 * repositories folder (DATA_DIR/repos), so the whole flow works with no Git host at all.
 */
import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { git } from '../git.js';
import { createAction } from './types.js';

export interface PublishGitOptions {
  /** Folder that holds the bare repositories this action creates. */
  reposDir: string;
  authorName?: string;
  authorEmail?: string;
  /** Set when new hosted repositories are refused here (hosted-repos.ts): the reason, shown as the step's error. */
  hostedRefusal?: string;
}

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REMOTE = /^(?:(?:https?|ssh|git|file):\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;

const schema = z
  .object({
    remoteUrl: z.string().regex(REMOTE, 'expected an https://, ssh://, git://, file:// or user@host:path Git URL').optional(),
    name: z.string().regex(REPO_NAME, 'expected a repository name of letters, digits, ".", "_" and "-"').refine((n) => !n.endsWith('.git'), 'leave out the .git suffix').optional(),
    description: z.string().max(1000).optional(),
    defaultBranch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/).default('main'),
    sourcePath: z.string().default('./'),
    gitCommitMessage: z.string().min(1).max(10_000).default('Initial commit'),
    gitAuthorName: z.string().min(1).max(200).optional(),
    gitAuthorEmail: z.string().email().optional(),
  })
  .strict()
  .refine((i) => (i.remoteUrl === undefined) !== (i.name === undefined), { message: 'give exactly one of remoteUrl (an existing remote) or name (a new repository hosted here)' });

/** The URL without credentials, for outputs and logs. */
function publicUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function publishGitAction(options: PublishGitOptions) {
  return createAction({
    id: 'publish:git',
    description: 'Commits the workspace and pushes it to a plain Git remote (by default a new bare repository hosted by Callsheet)',
    schema,
    async handler(ctx) {
      const { input } = ctx;
      // Refused before anything is committed, so the task fails with the reason and leaves no repository.
      if (input.name && options.hostedRefusal) throw new Error(options.hostedRefusal);
      const dir = await ctx.workspace.resolve(input.sourcePath);
      const branch = input.defaultBranch;
      const author = {
        GIT_AUTHOR_NAME: input.gitAuthorName ?? options.authorName ?? 'Callsheet',
        GIT_AUTHOR_EMAIL: input.gitAuthorEmail ?? options.authorEmail ?? 'callsheet@localhost',
      };
      const env = { ...author, GIT_COMMITTER_NAME: author.GIT_AUTHOR_NAME, GIT_COMMITTER_EMAIL: author.GIT_AUTHOR_EMAIL };
      // Hooks and signing from the host's Git config have no business running on generated code.
      const safe = ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', '-c', 'protocol.ext.allow=never'];
      await git([...safe, 'init', '-q', '-b', branch], { cwd: dir });
      await git([...safe, 'add', '--all'], { cwd: dir });
      await git([...safe, 'commit', '-q', '--allow-empty', '-m', input.gitCommitMessage], { cwd: dir, env });
      const commitHash = (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();

      let remote: string;
      let created: string | undefined;
      if (input.name) {
        await mkdir(options.reposDir, { recursive: true });
        const bare = join(options.reposDir, `${input.name}.git`);
        if (await lstat(bare).catch(() => undefined)) throw new Error(`a repository named ${input.name} already exists; choose another name`);
        await git(['init', '-q', '--bare', '-b', branch, bare]);
        created = bare;
        if (input.description) await writeFile(join(bare, 'description'), `${input.description.replace(/\s+/g, ' ')}\n`);
        remote = pathToFileURL(bare).href;
      } else {
        remote = input.remoteUrl!;
      }
      try {
        await git([...safe, 'push', '-q', remote, `HEAD:refs/heads/${branch}`], { cwd: dir });
      } catch (error) {
        if (created) await rm(created, { recursive: true, force: true });
        throw error;
      }
      const remoteUrl = publicUrl(remote);
      ctx.logger.info(`Pushed ${commitHash.slice(0, 12)} to ${remoteUrl} (${branch})`);
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', `${remoteUrl}#${branch}`);
      ctx.output('commitHash', commitHash);
    },
  });
}
