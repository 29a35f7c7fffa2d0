/**
 * What the buttons of a digest do, as core functions every chat adapter calls: confirm an entity is
 * still accurate, snooze a finding, propose a fix (a pull request, or the edit link), and update the
 * posted digest to show what was done and by whom.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { shortRef, splitRef, tryRef } from '../catalog/refs.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { recordAudit } from '../audit/record.js';
import { entities, nudgeDeliveries, reviews, snoozes } from '../db/schema.js';
import { digestAfterAction, digestToReply, FIX_FIELD, type Digest, type DoneAction, type FixField } from './digest.js';
import type { ChangeRequestKind, PullRequestOpener } from './ports.js';
import { isRuleId } from './rules/index.js';
import type { RuleId } from './types.js';
import { editEntityYaml, type EntityEdit } from './yaml-fix.js';

/** Who acted: a display name for messages, and the catalog User when known. */
export interface Actor {
  name: string;
  platform: string;
  userRef?: string;
}

export class ActionError extends Error {}

async function audit(db: Db, actor: Actor, action: string, target: string, details: Record<string, unknown>, at: Date): Promise<void> {
  await recordAudit(db, { at, platform: actor.platform, actor: actor.name, actorRef: actor.userRef, action, target, details });
}

/** Records that the entity is still accurate: clears its staleness for STALE_AFTER_DAYS. */
export async function markReviewed(db: Db, entityRef: string, by: Actor, clock: Clock): Promise<{ at: Date }> {
  const at = clock.now();
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(entities)
      .set({ lastReviewedAt: at, lastReviewedBy: by.userRef ?? by.name })
      .where(eq(entities.ref, entityRef))
      .returning({ ref: entities.ref });
    if (updated.length === 0) throw new ActionError(`${entityRef} is not in the catalog`);
    await tx.insert(reviews).values({ entityRef, by: by.userRef ?? by.name, platform: by.platform, at });
    await audit(tx as unknown as Db, by, 'nudge.review', entityRef, {}, at);
  });
  return { at };
}

export const SNOOZE_DAYS = [30, 90] as const;

/** Hides one finding (entity and rule) until the snooze ends. */
export async function snooze(db: Db, entityRef: string, rule: string, days: number, by: Actor, clock: Clock): Promise<{ until: Date }> {
  if (!isRuleId(rule)) throw new ActionError(`unknown rule "${rule}"`);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new ActionError(`snooze days must be a whole number from 1 to 365, got ${days}`);
  const now = clock.now();
  const until = new Date(now.getTime() + days * 86_400_000);
  await db.transaction(async (tx) => {
    await tx
      .insert(snoozes)
      .values({ entityRef, rule, until, by: by.userRef ?? by.name, createdAt: now })
      .onConflictDoUpdate({ target: [snoozes.entityRef, snoozes.rule], set: { until, by: by.userRef ?? by.name, createdAt: now } });
    await audit(tx as unknown as Db, by, 'nudge.snooze', entityRef, { rule, days, until: until.toISOString() }, now);
  });
  return { until };
}

/** The fields a Fix for this rule asks for (the adapter's modal shows them); undefined when there is no fix. */
export function fixFieldOf(rule: string): FixField | undefined {
  return isRuleId(rule) ? FIX_FIELD[rule] : undefined;
}

export type FixResult = { kind: ChangeRequestKind; url: string } | { kind: 'edit-link'; url: string };

/** How chat names what a Fix opened: GitLab calls it a merge request. */
export function changeRequestNoun(kind: ChangeRequestKind): string {
  return kind === 'merge-request' ? 'merge request' : 'pull request';
}

export interface FixRequest {
  entityRef: string;
  rule: RuleId;
  /** The value the requester chose for the rule's field. */
  value: string;
  requester: Actor;
}

const MAX_DESCRIPTION = 1000;

/** Checks the value against the catalog and turns it into the edit to make. */
async function editFor(db: Db, field: FixField, raw: string, namespace: string): Promise<EntityEdit> {
  const value = raw.trim();
  if (!value) throw new ActionError(`${field} must not be empty`);
  switch (field) {
    case 'owner':
    case 'system': {
      const ref = tryRef(value, { defaultKind: field === 'owner' ? 'Group' : 'System', defaultNamespace: namespace });
      const kinds = field === 'owner' ? ['group', 'user'] : ['system'];
      const found = ref ? await db.select({ ref: entities.ref }).from(entities).where(and(eq(entities.ref, ref), inArray(entities.kind, kinds))) : [];
      if (found.length === 0) throw new ActionError(`${value} is not a ${field === 'owner' ? 'Group or User' : 'System'} in the catalog`);
      return { [field]: value };
    }
    case 'lifecycle':
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(value)) throw new ActionError(`lifecycle must be a word such as production, experimental or deprecated, got "${value}"`);
      return { lifecycle: value };
    case 'description':
      if (value.length > MAX_DESCRIPTION) throw new ActionError(`description must be at most ${MAX_DESCRIPTION} characters`);
      return { description: value };
    case 'docs':
      if (!/^(dir|url):\S+$/.test(value) && !/^https?:\/\/\S+$/.test(value)) throw new ActionError(`docs must be a TechDocs ref (dir:. or url:...) or an http(s) link, got "${value}"`);
      return { docs: value };
  }
}

/**
 * Proposes the fix: on a host the opener handles, a pull request with the edited file (the rest of
 * the file untouched); elsewhere the file's edit link, for the requester to make the change.
 */
export async function proposeFix(db: Db, opener: PullRequestOpener | undefined, request: FixRequest, clock: Clock): Promise<FixResult> {
  const field = fixFieldOf(request.rule);
  if (!field) throw new ActionError(`findings of rule ${request.rule} have no fix`);
  const [row] = await db
    .select({ filePath: entities.filePath, fileUrl: entities.fileUrl, editUrl: sql<string | null>`${entities.entity}->'metadata'->'annotations'->>'backstage.io/edit-url'` })
    .from(entities)
    .where(eq(entities.ref, request.entityRef));
  if (!row) throw new ActionError(`${request.entityRef} is not in the catalog`);
  const target = splitRef(request.entityRef);
  const edit = await editFor(db, field, request.value, target.namespace);
  const at = clock.now();
  const name = shortRef(request.entityRef);
  if (opener && row.fileUrl && opener.handles(row.fileUrl)) {
    const current = await opener.readFile(row.fileUrl);
    let newContent: string;
    try {
      newContent = editEntityYaml(current, target, edit);
    } catch (error) {
      throw new ActionError(`cannot edit ${row.filePath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const shown = field === 'description' ? 'a description' : `${field} ${request.value.trim()}`;
    const { url, kind = 'pull-request' } = await opener.open({
      fileUrl: row.fileUrl,
      filePath: row.filePath,
      newContent,
      title: `Catalog: set ${field} of ${name}`,
      body: [
        `Sets ${shown} on \`${request.entityRef}\` in \`${row.filePath}\`, fixing the catalog finding "${request.rule}".`,
        '',
        `Requested by ${request.requester.name}${request.requester.userRef ? ` (${request.requester.userRef})` : ''} from ${request.requester.platform} via Callsheet.`,
        'Only this entity was changed; the rest of the file is as it was.',
      ].join('\n'),
      branch: `callsheet/fix-${target.name}-${field}-${at.getTime().toString(36)}`,
      requester: request.requester.name,
    });
    await audit(db, request.requester, 'nudge.fix', request.entityRef, { rule: request.rule, field, pullRequest: url }, at);
    return { kind, url };
  }
  const link = row.editUrl ?? row.fileUrl;
  if (!link) throw new ActionError(`${name} comes from ${row.filePath}, which has no link to edit it; change ${field} there`);
  await audit(db, request.requester, 'nudge.fix', request.entityRef, { rule: request.rule, field, editLink: link }, at);
  return { kind: 'edit-link', url: link };
}

/**
 * Records an action on a posted digest and returns the re-rendered message with the platform ids to
 * update. Concurrent clicks on one digest are serialised by the row lock.
 */
export async function recordDigestAction(
  db: Db,
  delivery: { runId: number; teamRef: string },
  action: DoneAction & { entity: string; rule?: RuleId },
): Promise<{ digest: Digest; reply: ReturnType<typeof digestToReply>; messages: unknown[] } | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ digest: nudgeDeliveries.digest, messages: nudgeDeliveries.messages })
      .from(nudgeDeliveries)
      .where(and(eq(nudgeDeliveries.runId, delivery.runId), eq(nudgeDeliveries.teamRef, delivery.teamRef)))
      .for('update');
    if (!row?.digest) return undefined;
    const digest = digestAfterAction(row.digest as unknown as Digest, action);
    await tx
      .update(nudgeDeliveries)
      .set({ digest: digest as unknown as Record<string, unknown> })
      .where(and(eq(nudgeDeliveries.runId, delivery.runId), eq(nudgeDeliveries.teamRef, delivery.teamRef)));
    return { digest, reply: digestToReply(digest), messages: row.messages ?? [] };
  });
}
