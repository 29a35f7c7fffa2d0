/**
 * What a run would send: every team's digest with its routes. Shared by a real run (which stores
 * it as delivery rows) and `callsheet nudge --dry-run` (which prints it).
 */
import type { Db } from '../db/client.js';
import { agentsMdCandidates } from './agents-md-action.js';
import { buildDigest, type Digest } from './digest.js';
import { evaluate, type TeamReport } from './evaluate.js';
import { loadSnapshot } from './load-snapshot.js';
import type { MemberDirectory } from './ports.js';
import { planAllRoutes, type Fallback, type RoutePlan } from './route.js';
import { previousScores } from './scores.js';

export interface PlanOptions {
  at: Date;
  staleAfterDays: number;
  directories: MemberDirectory[];
  fallback?: Fallback;
  maxFindingsPerDigest?: number;
  /** Code hosts "Add AGENTS.md" can open requests on; without it digests offer no such button. */
  agentsMdHosts?: (fileUrl: string) => boolean;
}

export interface PlannedDigest {
  teamRef: string;
  digest: Digest;
  plan: RoutePlan;
}

export interface RunPlan {
  /** Every owning team, with or without findings (their scores are recorded). */
  reports: TeamReport[];
  digests: PlannedDigest[];
}

export async function planRun(db: Db, options: PlanOptions): Promise<RunPlan> {
  const snapshot = await loadSnapshot(db, options.at);
  const { teams } = evaluate(snapshot, { now: options.at, staleAfterDays: options.staleAfterDays });
  const previous = await previousScores(db, options.at);
  const withFindings = [...teams.values()].filter((r) => r.findings.length > 0).map((r) => r.teamRef);
  const agentsMd = options.agentsMdHosts ? await agentsMdCandidates(db, withFindings, options.agentsMdHosts) : new Map();
  const digests = new Map<string, Digest>();
  for (const report of teams.values()) {
    const digest = buildDigest(report, previous.get(report.teamRef), options.maxFindingsPerDigest, agentsMd.get(report.teamRef));
    if (digest) digests.set(report.teamRef, digest);
  }
  const teamRefs = [...digests.keys()].sort();
  const routes = await planAllRoutes(db, teamRefs, options.directories, options.fallback);
  return {
    reports: [...teams.values()],
    digests: teamRefs.map((teamRef) => ({ teamRef, digest: digests.get(teamRef)!, plan: routes.get(teamRef)! })),
  };
}
