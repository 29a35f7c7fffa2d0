/**
 * Secrets never reach logs or task records: every known secret value is replaced wherever it appears,
 * and credentials inside URLs (`https://user:token@host`) are masked whatever they are.
 */
export const REDACTED = '***';

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@:]+(:[^/\s@]*)?@/gi;

export type Redactor = <T>(value: T) => T;

export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  // Longest first, so a secret that contains another is replaced whole. Very short values would
  // blank out ordinary text and are not secrets worth the name.
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  const text = (s: string) => {
    let out = s.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    for (const secret of values) out = out.split(secret).join(REDACTED);
    return out;
  };
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    return value;
  };
  return <T>(value: T) => redact(value) as T;
}
