/**
 * Runs every rule over a snapshot: the findings per owning team (snoozed ones left out) and each
 * entity's score, checks passed out of checks that apply. A team's score is the mean over what it owns.
 */
import { brokenFile, entityRules } from './rules/index.js';
import { indexSnapshot } from './snapshot-index.js';
import type { CatalogSnapshot, Finding, RuleOptions, SnapshotProblem } from './types.js';

/** Team key of findings on entities that have no owner: they can only go to the fallback channel. */
export const UNOWNED = 'unowned';

export interface TeamReport {
  teamRef: string;
  /** 0..1, or null when nothing it owns has a check that applies. */
  score: number | null;
  /** Entities it owns that were scored. */
  entities: number;
  findings: Finding[];
}

export interface Evaluation {
  teams: Map<string, TeamReport>;
}

function snoozeKey(subject: string, rule: string): string {
  return `${subject}\u0000${rule}`;
}

export function evaluate(snapshot: CatalogSnapshot, options: RuleOptions): Evaluation {
  const index = indexSnapshot(snapshot);
  const snoozed = new Set(snapshot.snoozes.filter((s) => s.until > options.now).map((s) => snoozeKey(s.subject, s.rule)));
  const teams = new Map<string, TeamReport & { total: number }>();
  const teamOf = (teamRef: string) => {
    let team = teams.get(teamRef);
    if (!team) teams.set(teamRef, (team = { teamRef, score: null, entities: 0, findings: [], total: 0 }));
    return team;
  };

  for (const entity of snapshot.entities) {
    let applicable = 0;
    let failed = 0;
    const findings: Finding[] = [];
    for (const rule of entityRules) {
      if (!rule.applies(entity, index) || (snoozed.size > 0 && snoozed.has(snoozeKey(entity.ref, rule.id)))) continue;
      applicable++;
      const message = rule.check(entity, index, options);
      if (message === undefined) continue;
      failed++;
      findings.push({ rule: rule.id, subject: entity.ref, teamRef: entity.ownerRef, message, url: entity.fileUrl ?? undefined });
    }
    if (applicable === 0) continue;
    const team = teamOf(entity.ownerRef ?? UNOWNED);
    team.entities++;
    team.total += (applicable - failed) / applicable;
    team.findings.push(...findings);
  }

  const urlOf = fileUrls(snapshot);
  for (const finding of brokenFile.findings(snapshot.problems, urlOf)) {
    if (snoozed.has(snoozeKey(finding.subject, finding.rule))) continue;
    teamOf(finding.teamRef!).findings.push(finding);
  }

  const out = new Map<string, TeamReport>();
  for (const [ref, { total, ...team }] of teams) out.set(ref, { ...team, score: team.entities > 0 ? total / team.entities : null });
  return { teams: out };
}

/** A broken file's URL, derived from any entity of the same source whose file URL is known. */
function fileUrls(snapshot: CatalogSnapshot): (p: SnapshotProblem) => string | undefined {
  const bySourceFile = new Map<string, string>();
  for (const e of snapshot.entities) if (e.fileUrl) bySourceFile.set(`${e.sourceId}\u0000${e.filePath}`, e.fileUrl);
  return (p) => bySourceFile.get(`${p.sourceId}\u0000${p.filePath}`);
}
