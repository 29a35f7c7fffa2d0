/**
 * Repositories "hosted by Callsheet" (publish:git with `name`) are bare repositories on one pod's
 * disk under DATA_DIR/repos, handed back as a file:// path: fine for the embedded demo, lost on a
 * restart and unreachable from other replicas in a real deployment. With a shared database
 * (DATABASE_URL) they are refused unless the operator declares that folder a persistent volume.
 */
export interface HostedReposConfig {
  DATABASE_URL?: string;
  DATA_DIR: string;
  CALLSHEET_REPOS_VOLUME: boolean;
}

/** Why publish:git may not create repositories here, or undefined when it may. */
export function hostedReposRefusal(config: HostedReposConfig): string | undefined {
  if (!config.DATABASE_URL || config.CALLSHEET_REPOS_VOLUME) return undefined;
  return (
    `repositories hosted by Callsheet (publish:git with a name) are a demo feature and are off: DATABASE_URL is set ` +
    `and no volume is declared for ${config.DATA_DIR}/repos, so they would live on one replica's disk and vanish on restart. ` +
    'Publish to GitHub or to an existing Git remote (publish:git with remoteUrl), or mount a persistent volume there and set CALLSHEET_REPOS_VOLUME=1'
  );
}
