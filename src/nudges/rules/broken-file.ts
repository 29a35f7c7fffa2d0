import type { Finding, SnapshotProblem } from '../types.js';

/**
 * A catalog file that failed to parse or validate. Sync records the owner of what the file held
 * before, so that team learns its file is broken; problems nobody owns go to no digest.
 */
export const brokenFile = {
  id: 'broken-file' as const,
  title: 'Catalog file fails to parse or validate',
  severity: 0,
  findings(problems: SnapshotProblem[], fileUrl: (p: SnapshotProblem) => string | undefined): Finding[] {
    return problems
      .filter((p) => p.ownerRef)
      .map((p) => ({
        rule: 'broken-file' as const,
        subject: p.entityRef ?? `file:${p.sourceId}:${p.filePath}`,
        teamRef: p.ownerRef,
        message: `${p.filePath}${p.line ? `:${p.line}` : ''}: ${p.message}`,
        url: fileUrl(p),
      }));
  },
};
