/**
 * How `callsheet validate` prints: `text` (file:line: message), `json` (one object, for tools) or
 * `github` (GitHub Actions workflow commands, so each problem is an annotation on its line).
 * A notice (something validate could not check, such as a file of another repository) never fails.
 */
export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  severity: Severity;
  filePath: string;
  line?: number;
  entityRef?: string;
  message: string;
}

export const FORMATS = ['text', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface Summary {
  entities: number;
  files: number;
}

/** Escapes as GitHub's toolkit does (`escapeData` / `escapeProperty` of @actions/core). */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubAnnotation(f: Finding): string {
  const props = [`file=${escapeProperty(f.filePath)}`, ...(f.line ? [`line=${f.line}`] : []), `title=${escapeProperty(f.entityRef ? `callsheet validate: ${f.entityRef}` : 'callsheet validate')}`];
  return `::${f.severity} ${props.join(',')}::${escapeData(f.message)}`;
}

export function formatFindings(format: Format, findings: Finding[], summary: Summary): string[] {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const [errors, warnings, notices] = [count('error'), count('warning'), count('notice')];
  const extra = `${warnings ? `, ${warnings} warning(s)` : ''}${notices ? `, ${notices} notice(s)` : ''}`;
  const tail = errors
    ? `${errors} problem(s)${extra}; ${summary.entities} valid entities in ${summary.files} file(s)`
    : `OK: ${summary.entities} entities in ${summary.files} file(s), no problems${extra}`;
  if (format === 'json') {
    return [JSON.stringify({ ok: errors === 0, entities: summary.entities, files: summary.files, errors, warnings, notices, findings })];
  }
  if (format === 'github') return [...findings.map(githubAnnotation), tail];
  return [...findings.map((f) => `${f.filePath}${f.line ? `:${f.line}` : ''}: ${f.severity === 'error' ? '' : `${f.severity}: `}${f.message}`), tail];
}
