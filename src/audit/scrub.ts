/**
 * Secrets never reach the audit log. Text is scrubbed of token shapes we know (Slack, GitHub,
 * GitLab, bearer headers, JWTs, cloud keys, credentials in URLs, `password=…`), of any value the
 * caller knows to be secret, and objects lose the values of keys that name a secret.
 */
/** What a secret is replaced with (the same mark as the scaffolder's redactor). */
export const REDACTED = '***';

const PATTERNS: RegExp[] = [
  // Slack bot/user/app/refresh tokens and signing-secret-looking webhooks.
  /\bxox[abposr]-[A-Za-z0-9-]{6,}/g,
  /\bxapp-[A-Za-z0-9-]{6,}/g,
  // GitHub personal, OAuth, app and fine-grained tokens; GitLab tokens.
  /\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bglpat-[A-Za-z0-9_-]{16,}/g,
  // A JWT (Bot Framework tokens and the like).
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  // AWS access key ids, OpenAI-style keys.
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}/g,
];

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@:]+(:[^/\s@]*)?@/gi;
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_VALUE = /\b((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;

/** Keys whose values are secret whatever they hold. */
export const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|authori[sz]ation|cookie/i;

export function scrubText(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole; tiny values are not secrets.
  for (const secret of [...new Set(known.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(BEARER, `$1 ${REDACTED}`).replace(KEY_VALUE, `$1${REDACTED}`);
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

export function scrubValue(value: unknown, known: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, known);
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, known, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : scrubValue(v, known, depth + 1)]));
  }
  return value;
}
