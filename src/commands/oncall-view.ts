/**
 * Live on-call sections for `owner` and `oncall`: who is on call now for each PagerDuty service or
 * Opsgenie schedule the entities name, until when, and who is next, as chat mentions. People are
 * matched to catalog Users by e-mail through trust (org data only), so their Slack or Teams identity
 * is used; anyone else is shown by name (and e-mail, which the adapters can still mention).
 */
import { displayName } from '../catalog/entity-view.js';
import { getEntities, type EntityRow } from '../catalog/queries.js';
import { integrationKeyOf, targetsOf, type OnCallTarget } from '../oncall/service.js';
import type { OnCallPerson, OnCallResult, Shift } from '../oncall/types.js';
import { joinSpans, type Button, type Field, type RichText, type Section } from '../reply/reply.js';
import { orgUserByEmail } from '../trust/identity.js';
import { userSpan } from './catalog-spans.js';
import type { CommandContext } from './types.js';

/** Services asked at most for one answer (a team can own many components). */
export const MAX_TARGETS = 5;
export const PAGE_ACTION = 'oncall.page';

export function targetsOfRows(rows: EntityRow[]): OnCallTarget[] {
  const seen = new Set<string>();
  const out: OnCallTarget[] = [];
  for (const row of rows) {
    for (const t of targetsOf(row.entity as Record<string, unknown>)) {
      const key = JSON.stringify(t);
      if (seen.has(key) || out.length >= MAX_TARGETS) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

export function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

async function peopleSpans(ctx: CommandContext, results: OnCallResult[]): Promise<(p: OnCallPerson) => RichText> {
  const emails = new Set<string>();
  for (const r of results) if (r.ok) for (const p of [...r.answer.now.people, ...(r.answer.next?.people ?? [])]) if (p.email) emails.add(p.email.toLowerCase());
  const refs = new Map<string, string>();
  for (const email of [...emails].slice(0, 20)) {
    const ref = await orgUserByEmail(ctx.db, email, ctx.logger);
    if (ref) refs.set(email, ref);
  }
  const rows = await getEntities(ctx.db, refs.values());
  return (p) => {
    const row = p.email ? rows.get(refs.get(p.email.toLowerCase()) ?? '') : undefined;
    if (row) return [userSpan(row)];
    // Not in the catalog: the adapters can still mention by e-mail; else the name alone.
    return p.email ? [{ type: 'user', ref: `email:${p.email.toLowerCase()}`, name: p.name, email: p.email }] : [p.name];
  };
}

function shiftText(shift: Shift, span: (p: OnCallPerson) => RichText, nobody: string): RichText {
  const people = shift.people.length ? joinSpans(shift.people.slice(0, 10).map(span)) : [nobody];
  const times: string[] = [];
  if (shift.from) times.push(`from ${when(shift.from)}`);
  if (shift.until) times.push(`until ${when(shift.until)}`);
  return times.length ? [...people, ` (${times.join(', ')})`] : people;
}

/** One section per answer; an unavailable service says why in one line. */
export async function onCallSections(ctx: CommandContext, rows: EntityRow[]): Promise<{ sections: Section[]; results: OnCallResult[] }> {
  if (!ctx.oncall) return { sections: [], results: [] };
  const targets = targetsOfRows(rows);
  if (!targets.length) return { sections: [], results: [] };
  const results = await ctx.oncall.lookup(targets, ctx.clock.now());
  const span = await peopleSpans(ctx, results);
  const sections = results.map((r): Section => {
    if (!r.ok) return { title: `On call now (${r.provider})`, text: [`Could not ask ${r.provider} about ${r.target}: ${r.message}`] };
    const a = r.answer;
    const fields: Field[] = [{ label: 'Now', value: shiftText(a.now, span, 'Nobody is on call') }];
    if (a.next) fields.push({ label: 'Next', value: shiftText(a.next, span, 'nobody') });
    return { title: `On call now: ${a.source} (${a.provider})`, fields, ...(a.url ? { buttons: [{ label: `Open in ${a.provider}`, action: { type: 'url', url: a.url } }] } : {}) };
  });
  return { sections, results };
}

/** The Page button, when the entity can be paged (an integration key) and paging is configured. */
export function pageButton(ctx: CommandContext, row: EntityRow): Button | undefined {
  if (!ctx.oncall || !ctx.pageAllowedGroups?.length || !integrationKeyOf(row.entity as Record<string, unknown>)) return undefined;
  const name = displayName(row);
  return {
    label: 'Page on-call',
    style: 'danger',
    action: { type: 'action', id: PAGE_ACTION, value: { ref: row.ref } },
    confirm: { title: 'Page on-call?', text: `This raises a PagerDuty incident for ${name} and wakes whoever is on call now.`, confirm: 'Page', deny: 'Cancel' },
  };
}
