/**
 * The digest's "Add AGENTS.md": generates the component's AGENTS.md from the catalog and proposes it
 * at the root of its repository (a pull request on GitHub, a merge request on GitLab), for members
 * of the owning team only. A row per component is the claim: two clicks, on one replica or two, open
 * one request; a later click updates the request still open (one branch per component), and the
 * markers in the file keep what people wrote around the generated part.
 */
import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record.js';
import { mergeAgentsMd } from '../catalog/agents-md.js';
import { agentsMdOf } from '../catalog/agents-md-facts.js';
import { getEntity } from '../catalog/queries.js';
import { shortRef, splitRef } from '../catalog/refs.js';
import type { Clock } from '../clock.js';
import { query, type Db } from '../db/client.js';
import { agentsMdProposals } from '../db/schema.js';
import type { Platform } from '../reply/requester.js';
import { memberOfAny } from '../trust/permissions.js';
import { ActionError, type Actor } from './actions.js';
import type { RootFileOutcome, RootFileProposer } from './ports.js';

export const AGENTS_MD_PATH = 'AGENTS.md';
/** A claim older than this is taken to be a replica that died mid-request. */
const CLAIM_TIMEOUT_MS = 5 * 60_000;

/** The requester may not do this: told to them and audited as a refusal. */
export class AgentsMdRefused extends ActionError {}

export interface AgentsMdRequest {
  entityRef: string;
  requester: Actor;
  staleAfterDays: number;
}

/** Members of the owning Group (by org data, as every permission), or the owning User themselves. */
async function mayPropose(db: Db, actor: Actor, ownerRef: string | null, name: string): Promise<string | undefined> {
  if (!ownerRef) return `${name} has no owner, so nobody may add its AGENTS.md from chat`;
  if (ownerRef.startsWith('user:')) return actor.userRef === ownerRef ? undefined : `only ${shortRef(ownerRef)}, who owns ${name}, may add its AGENTS.md`;
  // Membership reads only the catalog User; the platform is carried for the shape of a Requester.
  const member = await memberOfAny(db, { platform: actor.platform as Platform, userRef: actor.userRef }, [ownerRef]);
  return member.ok ? undefined : `only members of ${shortRef(ownerRef)}, which owns ${name}, may add its AGENTS.md, and ${member.reason}`;
}

async function claim(db: Db, entityRef: string, by: string, at: Date): Promise<boolean> {
  const stale = new Date(at.getTime() - CLAIM_TIMEOUT_MS);
  const claimed = await db
    .insert(agentsMdProposals)
    .values({ entityRef, status: 'opening', requestedBy: by, claimedAt: at })
    .onConflictDoUpdate({
      target: agentsMdProposals.entityRef,
      set: { status: 'opening', requestedBy: by, claimedAt: at },
      setWhere: or(ne(agentsMdProposals.status, 'opening'), lt(agentsMdProposals.claimedAt, stale)),
    })
    .returning({ ref: agentsMdProposals.entityRef });
  return claimed.length > 0;
}

export async function proposeAgentsMd(db: Db, proposer: RootFileProposer | undefined, request: AgentsMdRequest, clock: Clock): Promise<RootFileOutcome> {
  const { requester } = request;
  const at = clock.now();
  const audit = (outcome: 'ok' | 'refused' | 'failed', details: Record<string, unknown>) =>
    recordAudit(db, { at, platform: requester.platform, actor: requester.name, actorRef: requester.userRef, action: 'nudge.agents-md', target: request.entityRef, outcome, details });
  const row = await getEntity(db, request.entityRef);
  if (!row) throw new ActionError(`${request.entityRef} is not in the catalog`);
  const name = shortRef(row.ref);
  const refusal = await mayPropose(db, requester, row.ownerRef, name);
  if (refusal) {
    await audit('refused', { reason: refusal });
    throw new AgentsMdRefused(`You may not do that: ${refusal}.`);
  }
  if (!row.fileUrl || !proposer?.handles(row.fileUrl)) throw new ActionError(`${name} is not in a GitHub or GitLab repository Callsheet can open requests on, so there is nowhere to add AGENTS.md`);
  if (!(await claim(db, row.ref, requester.name, at))) {
    const [holder] = await db.select({ by: agentsMdProposals.requestedBy }).from(agentsMdProposals).where(eq(agentsMdProposals.entityRef, row.ref));
    throw new ActionError(`${holder?.by ?? 'Someone'} is proposing the AGENTS.md of ${name} right now; its link follows in a moment.`);
  }
  let outcome: RootFileOutcome;
  try {
    const generated = await agentsMdOf(db, row, { now: at, staleAfterDays: request.staleAfterDays });
    const { namespace } = splitRef(row.ref);
    outcome = await proposer.propose({
      fileUrl: row.fileUrl,
      path: AGENTS_MD_PATH,
      contentFrom: (current) => mergeAgentsMd(current, generated),
      branch: `callsheet/agents-md-${namespace === 'default' ? '' : `${namespace}-`}${row.name}`,
      title: `AGENTS.md for ${row.name} from the catalog`,
      body: [
        `Context for coding agents about \`${row.ref}\`, generated by Callsheet from the software catalog.`,
        '',
        `Requested by ${requester.name}${requester.userRef ? ` (${requester.userRef})` : ''} from ${requester.platform}. The part between the \`callsheet:agents-md\` markers is replaced on the next run; write anything else outside them.`,
      ].join('\n'),
    });
  } catch (error) {
    await db.update(agentsMdProposals).set({ status: 'failed' }).where(and(eq(agentsMdProposals.entityRef, row.ref), eq(agentsMdProposals.claimedAt, at)));
    await audit('failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  await db
    .update(agentsMdProposals)
    .set({ status: 'opened', proposedAt: at, ...(outcome.kind === 'unchanged' ? {} : { url: outcome.url, kind: outcome.kind }) })
    .where(eq(agentsMdProposals.entityRef, row.ref));
  await audit('ok', outcome.kind === 'unchanged' ? { unchanged: true } : { [outcome.kind === 'merge-request' ? 'mergeRequest' : 'pullRequest']: outcome.url });
  return outcome;
}

/** A component the digest offers the button for; `update` when an earlier AGENTS.md is out of date. */
export interface AgentsMdCandidate {
  entity: string;
  update: boolean;
}

/**
 * The owned components whose digest shows the button, per team: in a repository `handles` accepts,
 * and with no AGENTS.md proposed yet, or changed in the catalog since the last one was.
 */
export async function agentsMdCandidates(db: Db, teamRefs: string[], handles: (fileUrl: string) => boolean): Promise<Map<string, AgentsMdCandidate[]>> {
  const out = new Map<string, AgentsMdCandidate[]>();
  if (teamRefs.length === 0) return out;
  const rows = await query<{ ref: string; owner_ref: string; file_url: string; proposed: boolean }>(
    db,
    sql`select e.ref, e.owner_ref, e.file_url, p.url is not null as proposed
          from entities e left join agents_md_proposals p on p.entity_ref = e.ref
         where e.kind = 'component' and e.file_url is not null and e.owner_ref in (${sql.join(teamRefs.map((t) => sql`${t}`), sql`, `)})
           and (p.entity_ref is null or p.status <> 'opened' or p.proposed_at < e.last_changed_at)
         order by e.ref`,
  );
  for (const r of rows) {
    if (!handles(r.file_url)) continue;
    const list = out.get(r.owner_ref) ?? [];
    list.push({ entity: r.ref, update: Boolean(r.proposed) });
    out.set(r.owner_ref, list);
  }
  return out;
}
