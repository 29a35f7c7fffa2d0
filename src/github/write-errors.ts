/** Errors from GitHub writes, phrased for the person in chat: what failed, where, and GitHub's reason. */

export class GithubWriteError extends Error {
  override readonly name: string = 'GithubWriteError';
  constructor(
    message: string,
    /** HTTP status GitHub answered, when the failure came from GitHub. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The file changed on its branch since the caller read it; the edit would overwrite someone's work. */
export class StaleFileError extends GithubWriteError {
  override readonly name = 'StaleFileError';
}

interface OctokitErrorShape {
  status?: number;
  message?: string;
  response?: { data?: { message?: string; errors?: { message?: string; field?: string; code?: string }[] } };
}

export function statusOf(e: unknown): number | undefined {
  const status = (e as OctokitErrorShape | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's own words for a failed request: its message plus any field errors, never headers or tokens. */
export function reasonOf(e: unknown): string {
  const err = e as OctokitErrorShape | null;
  const data = err?.response?.data;
  if (data && typeof data === 'object') {
    const details = (data.errors ?? []).map((d) => d.message ?? [d.field, d.code].filter(Boolean).join(' ')).filter(Boolean);
    const main = data.message ?? err?.message ?? 'request failed';
    return details.length ? `${main} (${details.join('; ')})` : main;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Wraps a failed GitHub request with what we were doing. */
export function githubFailure(what: string, e: unknown): GithubWriteError {
  const status = statusOf(e);
  return new GithubWriteError(`${what}: ${status ? `GitHub answered ${status} ` : ''}${reasonOf(e)}`, status);
}
