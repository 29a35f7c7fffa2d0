/** Checks on names GitHub and git will refuse, so a bad name fails before anything is created. */

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;

export function repoNameProblem(name: string): string | undefined {
  if (!REPO_NAME.test(name) || name === '.' || name === '..') return `repository name "${name}" may only hold letters, digits, ".", "-" and "_" (at most 100)`;
  if (name.toLowerCase().endsWith('.git')) return `repository name "${name}" must not end in .git`;
  return undefined;
}

export function ownerProblem(owner: string): string | undefined {
  return OWNER.test(owner) ? undefined : `owner "${owner}" is not a GitHub user or organisation name`;
}

export function topicProblem(topic: string): string | undefined {
  return TOPIC.test(topic) ? undefined : `topic "${topic}" must be lower-case letters, digits and hyphens, starting with a letter or digit, at most 50 characters`;
}

/** The rules of `git check-ref-format` that matter for branch names. */
export function branchProblem(branch: string): string | undefined {
  const bad =
    !branch ||
    branch.length > 255 ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(branch) ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch === '@' ||
    branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  return bad ? `"${branch}" is not a valid branch name` : undefined;
}

/** A repository-relative file path: no absolute paths, no `.`/`..` or empty segments, nothing inside `.git`. */
export function filePathProblem(path: string): string | undefined {
  const ok = path.length > 0 && path.length <= 4096 && !path.startsWith('/') && !path.includes('\\') && !/[\x00]/.test(path) && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git');
  return ok ? undefined : `"${path}" is not a file path inside a repository`;
}
