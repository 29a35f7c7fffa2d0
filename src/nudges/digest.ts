/**
 * A team's digest: its score and trend, findings grouped by rule (worst first), capped to what fits
 * one chat message, and its conversion to the neutral `Reply` with buttons per finding.
 */
import { shortRef } from '../catalog/refs.js';
import type { Button, ListItem, Reply, RichText, Section } from '../reply/reply.js';
import type { TeamReport } from './evaluate.js';
import { UNOWNED } from './evaluate.js';
import { ruleInfo } from './rules/index.js';
import { percent, type PastScore } from './scores.js';
import type { Finding, RuleId } from './types.js';

/**
 * Slack allows 50 blocks per message; a finding renders as two (text + buttons), and the header,
 * score, rule titles and "more" take the rest.
 */
export const MAX_FINDINGS_PER_DIGEST = 15;
/**
 * "Add AGENTS.md" buttons per digest. Each is one block (a section with the button beside it), plus
 * a title and a "more" line; findings make room by giving up two blocks each.
 */
export const MAX_AGENTS_MD_PER_DIGEST = 3;
const AGENTS_MD_ROOM = 3;

/** Field of the entity a Fix edits, per rule. */
export const FIX_FIELD: Partial<Record<RuleId, FixField>> = {
  'no-owner': 'owner',
  'unknown-owner': 'owner',
  'owner-without-members': 'owner',
  'missing-description': 'description',
  'missing-lifecycle': 'lifecycle',
  'missing-system': 'system',
  'missing-docs': 'docs',
};
export type FixField = 'owner' | 'description' | 'lifecycle' | 'system' | 'docs';

/** What someone did from chat about a finding; shown in place of its buttons. */
export interface DoneAction {
  kind: 'reviewed' | 'snoozed' | 'fix-proposed' | 'agents-md-proposed';
  by: string;
  /** Snooze end (ISO date) or the pull request / edit link. */
  detail?: string;
}

export interface DigestFinding extends Finding {
  done?: DoneAction;
}

export interface DigestGroup {
  rule: RuleId;
  title: string;
  findings: DigestFinding[];
}

/** A component offered "Add AGENTS.md" (or "Update" when the catalog changed since the last one). */
export interface DigestAgentsMd {
  entity: string;
  update: boolean;
  done?: DoneAction;
}

export interface Digest {
  teamRef: string;
  /** The delivery it was posted as, so buttons can find it again. */
  runId?: number;
  score: number | null;
  previousScore: number | null;
  entities: number;
  groups: DigestGroup[];
  /** Findings in total, and how many did not fit. */
  total: number;
  more: number;
  /** Owned components without a current AGENTS.md, and how many more did not fit. */
  agentsMd?: DigestAgentsMd[];
  agentsMdMore?: number;
}

/** `payments` for a Group in the default namespace, the compact ref otherwise: what `stale <team>` takes. */
export function teamArg(teamRef: string): string {
  if (teamRef === UNOWNED) return UNOWNED;
  return teamRef.startsWith('group:') ? shortRef(teamRef) : teamRef.replace(':default/', ':');
}

function bySeverity(a: Finding, b: Finding): number {
  return ruleInfo[a.rule].severity - ruleInfo[b.rule].severity || a.subject.localeCompare(b.subject) || a.message.localeCompare(b.message);
}

/** The digest of one team, or null when it has nothing to report. */
export function buildDigest(report: TeamReport, previous: PastScore | undefined, max = MAX_FINDINGS_PER_DIGEST, agentsMd: Array<{ entity: string; update: boolean }> = []): Digest | null {
  if (report.findings.length === 0) return null;
  const sorted = [...report.findings].sort(bySeverity);
  const shown = sorted.slice(0, agentsMd.length > 0 ? Math.max(1, max - AGENTS_MD_ROOM) : max);
  const groups: DigestGroup[] = [];
  for (const finding of shown) {
    const last = groups[groups.length - 1];
    if (last?.rule === finding.rule) last.findings.push({ ...finding });
    else groups.push({ rule: finding.rule, title: ruleInfo[finding.rule].title, findings: [{ ...finding }] });
  }
  return {
    teamRef: report.teamRef,
    score: report.score,
    previousScore: previous?.score ?? null,
    entities: report.entities,
    groups,
    total: sorted.length,
    more: sorted.length - shown.length,
    ...(agentsMd.length > 0 ? { agentsMd: agentsMd.slice(0, MAX_AGENTS_MD_PER_DIGEST).map((a) => ({ ...a })), agentsMdMore: Math.max(0, agentsMd.length - MAX_AGENTS_MD_PER_DIGEST) } : {}),
  };
}

export function trendText(score: number | null, previous: number | null): string {
  if (score === null) return 'no scored entities';
  const now = `${percent(score)}%`;
  if (previous === null) return `${now} (first digest)`;
  const delta = percent(score) - percent(previous);
  if (delta === 0) return `${now} (unchanged since last digest)`;
  return `${now} (${delta > 0 ? 'up' : 'down'} ${Math.abs(delta)} points since last digest)`;
}

function subjectSpan(subject: string): RichText {
  if (subject.startsWith('file:')) return [{ type: 'code', text: subject.slice(subject.indexOf(':', 5) + 1) }];
  return [{ type: 'entity', ref: subject, text: shortRef(subject) }];
}

/** What every button of a digest carries so its click finds the posted digest again. */
function contextOf(digest: Digest): Record<string, string> {
  return digest.runId !== undefined ? { run: String(digest.runId), team: digest.teamRef } : { team: digest.teamRef };
}

function buttonsFor(f: DigestFinding, digest: Digest): Button[] {
  const context = contextOf(digest);
  const buttons: Button[] = [];
  if (f.rule === 'stale') buttons.push({ label: 'Still accurate', style: 'primary', action: { type: 'action', id: 'nudge.review', value: { ...context, entity: f.subject } } });
  if (FIX_FIELD[f.rule] && !f.subject.startsWith('file:')) buttons.push({ label: 'Fix', action: { type: 'action', id: 'nudge.fix', value: { ...context, entity: f.subject, rule: f.rule } } });
  for (const days of ['30', '90'] as const) {
    buttons.push({ label: `Snooze ${days} days`, action: { type: 'action', id: 'nudge.snooze', value: { ...context, entity: f.subject, rule: f.rule, days } } });
  }
  return buttons;
}

function doneText(done: DoneAction): RichText {
  switch (done.kind) {
    case 'reviewed':
      return [`✓ Confirmed accurate by ${done.by}`];
    case 'snoozed':
      return [`Snoozed by ${done.by}${done.detail ? ` until ${done.detail}` : ''}`];
    case 'fix-proposed':
      return done.detail ? [`Fix proposed by ${done.by}: `, { type: 'link', text: done.detail, url: done.detail }] : [`Fix proposed by ${done.by}`];
    case 'agents-md-proposed':
      return done.detail ? [`AGENTS.md proposed by ${done.by}: `, { type: 'link', text: done.detail, url: done.detail }] : [`AGENTS.md is up to date (checked by ${done.by})`];
  }
}

export function teamLabel(teamRef: string): string {
  return teamRef === UNOWNED ? 'entities without an owner' : shortRef(teamRef);
}

function agentsMdSection(digest: Digest, offers: DigestAgentsMd[]): Section {
  const list: ListItem[] = offers.map((a) => {
    const name: RichText = [{ type: 'entity', ref: a.entity, text: shortRef(a.entity) }];
    if (a.done) return { text: [...name, ' ', ...doneText(a.done)] };
    return {
      text: [...name, a.update ? ' changed in the catalog since its AGENTS.md was proposed' : ' has no AGENTS.md from the catalog'],
      button: { label: a.update ? 'Update AGENTS.md' : 'Add AGENTS.md', action: { type: 'action', id: 'nudge.agents-md', value: { ...contextOf(digest), entity: a.entity } } },
    };
  });
  const more = digest.agentsMdMore ?? 0;
  return { title: 'AGENTS.md for coding agents', list, ...(more > 0 ? { more: { count: more } } : {}) };
}

export function digestToReply(digest: Digest): Reply {
  const team = teamLabel(digest.teamRef);
  const sections: Section[] = [
    {
      text: [
        { type: 'bold', text: 'Catalog score: ' },
        trendText(digest.score, digest.previousScore),
        ` over ${digest.entities} ${digest.entities === 1 ? 'entity' : 'entities'}; ${digest.total} ${digest.total === 1 ? 'finding' : 'findings'}.`,
      ],
    },
  ];
  for (const group of digest.groups) {
    sections.push({ title: `${group.title} (${group.findings.length})` });
    for (const f of group.findings) {
      const text: RichText = [...subjectSpan(f.subject), ` ${f.message}`];
      if (f.url) text.push(' · ', { type: 'link', text: 'file', url: f.url });
      sections.push(f.done ? { text: [...text, '\n', ...doneText(f.done)] } : { text, buttons: buttonsFor(f, digest) });
    }
  }
  if (digest.agentsMd?.length) sections.push(agentsMdSection(digest, digest.agentsMd));
  const command = `stale ${teamArg(digest.teamRef)}`;
  if (digest.more > 0) sections.push({ text: [`…and ${digest.more} more.`], more: { count: digest.more, command } });
  return {
    summary: `Catalog digest for ${team}: ${digest.total} ${digest.total === 1 ? 'thing needs' : 'things need'} attention`,
    header: `Catalog digest: ${team}`,
    sections,
    context: [['See everything with ', { type: 'code', text: command }, '; scores with ', { type: 'code', text: `score ${teamArg(digest.teamRef)}` }, '.']],
  };
}

/**
 * The digest after someone acted on it: the findings the action settles show what was done and by
 * whom instead of their buttons. A review settles every staleness finding of the entity.
 */
export function digestAfterAction(digest: Digest, action: DoneAction & { entity: string; rule?: RuleId }): Digest {
  const { entity: _entity, rule: _rule, ...done } = action;
  if (action.kind === 'agents-md-proposed') return { ...digest, agentsMd: digest.agentsMd?.map((a) => (a.entity === action.entity ? { ...a, done } : a)) };
  const settles = (f: DigestFinding) => f.subject === action.entity && (action.kind === 'reviewed' ? f.rule === 'stale' : f.rule === action.rule);
  return {
    ...digest,
    groups: digest.groups.map((g) => ({ ...g, findings: g.findings.map((f) => (settles(f) ? { ...f, done } : f)) })),
  };
}
