/**
 * The facts an AGENTS.md is written from, read for one entity in a few statements: its relations,
 * every entity they name (and the system's domain), and the sync problems recorded against it.
 */
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { syncProblems } from '../db/schema.js';
import { renderAgentsMd, type AgentsApi, type AgentsFacts, type AgentsRef } from './agents-md.js';
import { sourceLocationOf } from './backstage-links.js';
import { annotationsOf, channelOf, displayName, docsOf, emailOf, onCallOf, sourceOf } from './entity-view.js';
import { getEntities, relationsFrom, type EntityRow, type RelationRow } from './queries.js';
import { staleness } from './staleness.js';

/** At most this many entries per list: an AGENTS.md is context for an agent, not an export. */
export const AGENTS_LIST_LIMIT = 25;

const PLACEHOLDERS = ['$text', '$json', '$yaml', '$openapi', '$asyncapi'];

const targetsOf = (rels: RelationRow[], source: string, type: string) => rels.filter((r) => r.sourceRef === source && r.type === type).map((r) => r.targetRef);

function refOf(rows: Map<string, EntityRow>, ref: string): AgentsRef {
  const row = rows.get(ref);
  if (!row) return { ref, label: ref, missing: true };
  return { ref, label: displayName(row), ...(row.description ? { note: row.description } : {}) };
}

/** Where an API's definition is: the file a `$text`-style placeholder names, or inline in its catalog file. */
function definitionOf(row: EntityRow): string {
  const raw = (row.definition as { spec?: { definition?: unknown } } | null)?.spec?.definition;
  const source = sourceOf(row);
  const file = source.viewUrl ?? row.filePath;
  if (raw && typeof raw === 'object') {
    for (const key of PLACEHOLDERS) {
      const target = (raw as Record<string, unknown>)[key];
      if (typeof target === 'string') return `${target} (referenced from ${file})`;
    }
  }
  return `inline in ${file}`;
}

function apiOf(rows: Map<string, EntityRow>, ref: string): AgentsApi {
  const base = refOf(rows, ref);
  const row = rows.get(ref);
  if (!row) return base;
  return { ...base, ...(row.type ? { type: row.type } : {}), definition: definitionOf(row) };
}

function onCallLines(row: EntityRow, owner: EntityRow | undefined): string[] {
  const out: string[] = [];
  for (const r of [row, owner]) {
    if (!r) continue;
    const o = onCallOf(r);
    if (!o) continue;
    if (o.pagerDutyServiceId) out.push(`PagerDuty service ${o.pagerDutyServiceId}${o.pagerDutyServiceUrl ? ` (${o.pagerDutyServiceUrl})` : ''}`);
    else if (o.hasPagerDutyIntegrationKey) out.push('PagerDuty (integration configured)');
    if (o.opsgenieTeam) out.push(`Opsgenie team ${o.opsgenieTeam}`);
    if (o.opsgenieComponentSelector) out.push(`Opsgenie ${o.opsgenieComponentSelector}`);
  }
  return [...new Set(out)];
}

function channelText(owner: EntityRow): string | undefined {
  const c = channelOf(owner);
  if (!c) return undefined;
  const ids = [c.slackId ? `Slack ${c.slackId}` : '', c.teamsId ? `Teams ${c.teamsId}` : ''].filter(Boolean).join(', ');
  return c.name ? `#${c.name}${ids ? ` (${ids})` : ''}` : ids;
}

export interface FactsOptions {
  now: Date;
  staleAfterDays: number;
}

export async function agentsFacts(db: Db, row: EntityRow, options: FactsOptions): Promise<AgentsFacts> {
  const rels = await relationsFrom(db, [row.ref]);
  const limit = (refs: string[]) => [...new Set(refs)].sort().slice(0, AGENTS_LIST_LIMIT);
  const dependsOn = limit(targetsOf(rels, row.ref, 'dependsOn'));
  const dependedOnBy = limit(targetsOf(rels, row.ref, 'dependencyOf'));
  const provides = limit(targetsOf(rels, row.ref, 'providesApi'));
  const consumes = limit(targetsOf(rels, row.ref, 'consumesApi'));
  const systemRef = row.systemRef ?? targetsOf(rels, row.ref, 'partOf').find((r) => r.startsWith('system:'));
  const domainRef = systemRef ? (await relationsFrom(db, [systemRef], ['partOf'])).find((r) => r.targetRef.startsWith('domain:'))?.targetRef : undefined;
  const rows = await getEntities(db, [...dependsOn, ...dependedOnBy, ...provides, ...consumes, row.ownerRef, systemRef, domainRef].filter((r): r is string => Boolean(r)));
  const owner = row.ownerRef ? rows.get(row.ownerRef) : undefined;
  const docs = docsOf(row);
  const source = sourceOf(row);

  const problems: string[] = [];
  const recorded = await db.select({ message: syncProblems.message, filePath: syncProblems.filePath, line: syncProblems.line }).from(syncProblems).where(eq(syncProblems.entityRef, row.ref)).orderBy(desc(syncProblems.id)).limit(10);
  for (const p of recorded) problems.push(`${p.filePath}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (!row.ownerRef) problems.push('No owner is set (spec.owner).');
  else if (!owner) problems.push(`The owner ${row.ownerRef} is not in the catalog.`);
  if (!row.description) problems.push('No description (metadata.description).');
  if (!row.lifecycle && row.kind === 'component') problems.push('No lifecycle (spec.lifecycle).');
  if (!docs.techdocsRef && docs.links.length === 0) problems.push('No docs: add a backstage.io/techdocs-ref annotation or a docs link.');
  for (const ref of [...dependsOn, ...provides, ...consumes]) if (!rows.has(ref)) problems.push(`It names ${ref}, which is not in the catalog.`);
  const s = staleness(row, options.now, options.staleAfterDays);
  if (s.stale) problems.push(`Stale: its catalog entry was not changed or confirmed for ${s.ageDays} days (limit ${options.staleAfterDays}).`);

  const runbooks = docs.links.filter((l) => l.type === 'runbook' || /runbook/i.test(l.title));
  const annotations = annotationsOf(row);
  const code = sourceLocationOf(row) ?? (annotations['github.com/project-slug'] ? `https://github.com/${annotations['github.com/project-slug']}` : undefined);
  return {
    ref: row.ref,
    title: displayName(row),
    kind: row.entity.kind as string,
    ...(row.type ? { type: row.type } : {}),
    ...(row.description ? { description: row.description } : {}),
    ...(row.lifecycle ? { lifecycle: row.lifecycle } : {}),
    tags: row.tags,
    ...(row.ownerRef
      ? {
          owner: {
            ...refOf(rows, row.ownerRef),
            ...(owner ? { kind: owner.kind } : {}),
            ...(owner && channelText(owner) ? { channel: channelText(owner)! } : {}),
            ...(owner && emailOf(owner) ? { email: emailOf(owner)! } : {}),
          },
        }
      : {}),
    onCall: onCallLines(row, owner),
    ...(systemRef ? { system: refOf(rows, systemRef) } : {}),
    ...(domainRef ? { domain: refOf(rows, domainRef) } : {}),
    dependsOn: dependsOn.map((r) => refOf(rows, r)),
    dependedOnBy: dependedOnBy.map((r) => refOf(rows, r)),
    providesApis: provides.map((r) => apiOf(rows, r)),
    consumesApis: consumes.map((r) => apiOf(rows, r)),
    ...(code ? { code } : {}),
    definedIn: source.viewUrl ?? row.filePath,
    docs: [
      ...(docs.techdocsUrl ? [{ title: 'TechDocs', url: docs.techdocsUrl }] : []),
      ...docs.links.filter((l) => !runbooks.includes(l)).map((l) => ({ title: l.title, url: l.url })),
    ],
    ...(docs.techdocsRef && !docs.techdocsUrl ? { techdocs: docs.techdocsRef } : {}),
    runbooks: runbooks.map((l) => ({ title: l.title, url: l.url })),
    problems,
  };
}

/** The generated AGENTS.md part for one entity. */
export async function agentsMdOf(db: Db, row: EntityRow, options: FactsOptions): Promise<string> {
  return renderAgentsMd(await agentsFacts(db, row, options));
}
