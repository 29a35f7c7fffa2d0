/**
 * GitHub CODEOWNERS files, for telling someone about a broken catalog file that never held an
 * entity: which owners the file names for a path. Pure, so the pattern rules are tested alone.
 * Rules (GitHub's): one pattern and its owners per line, `#` comments, the LAST matching line wins,
 * gitignore-style patterns (`*`, `**`, `?`, a leading `/` or an inner `/` anchors at the root, a
 * trailing `/` matches everything under a folder), a line with no owners un-owns.
 */

/** Where GitHub looks for the file, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  test(path: string): boolean;
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

export function patternRegex(pattern: string): RegExp {
  let p = pattern;
  const folder = p.endsWith('/');
  if (folder) p = p.slice(0, -1);
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\//, '');
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` any folders (or none); a trailing `**` everything below.
      if (p[i + 2] === '/') {
        body += '(?:.*/)?';
        i += 2;
      } else {
        body += '.*';
        i += 1;
      }
    } else if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else body += escape(c);
  }
  return new RegExp(`${anchored ? '^' : '^(?:.*/)?'}${body}${folder ? '/.*' : '(?:/.*)?'}$`);
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split(/\r?\n/).slice(0, 5000)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    let regex: RegExp;
    try {
      regex = patternRegex(pattern!);
    } catch {
      continue; // A pattern GitHub would reject too: skip the line, keep the rest.
    }
    rules.push({ pattern: pattern!, owners, test: (path) => regex.test(path) });
  }
  return rules;
}

/** The owners the last matching rule names for `path` (relative to the repository root). */
export function codeownersFor(rules: CodeownersRule[], path: string): string[] {
  const clean = path.replace(/^\/+/, '');
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.test(clean)) return rules[i]!.owners;
  return [];
}
