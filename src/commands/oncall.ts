/**
 * `oncall <entity|team>`: who is on call now for the entity's PagerDuty service or Opsgenie team,
 * until when, and who is next. For a team: its own annotations, else those of what it owns.
 */
import { displayName } from '../catalog/entity-view.js';
import { ownedBy, type EntityRow } from '../catalog/queries.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { targetsOf } from '../oncall/service.js';
import { errorReply, plain, type Button, type Reply } from '../reply/reply.js';
import { usageReply } from './args.js';
import { kindLabel, unresolvedReply } from './catalog-spans.js';
import { onCallSections, pageButton } from './oncall-view.js';
import type { Command, CommandContext } from './types.js';

const ANNOTATIONS = 'pagerduty.com/service-id, pagerduty.com/integration-key, opsgenie.com/team or opsgenie.com/component-selector';

async function rowsToAsk(ctx: CommandContext, row: EntityRow): Promise<EntityRow[]> {
  const has = (r: EntityRow) => targetsOf(r.entity as Record<string, unknown>).length > 0;
  if (row.kind !== 'group' || has(row)) return [row];
  return (await ownedBy(ctx.db, [row.ref], 500)).filter(has);
}

export async function onCallReply(ctx: CommandContext, row: EntityRow): Promise<Reply> {
  const name = displayName(row);
  if (!ctx.oncall || (!ctx.oncall.pagerDuty && !ctx.oncall.opsgenie)) {
    return errorReply('On-call look-ups are off: set PAGERDUTY_TOKEN or OPSGENIE_API_KEY.');
  }
  const rows = await rowsToAsk(ctx, row);
  const { sections, results } = await onCallSections(ctx, rows);
  if (!sections.length) {
    const what = row.kind === 'group' ? `${name} and what it owns name` : `${name} names`;
    return errorReply(`${what} no on-call service this bot can ask (annotations ${ANNOTATIONS}).`);
  }
  const first = results.find((r) => r.ok);
  const nowText = first?.ok ? plain(sections[results.indexOf(first)]!.fields![0]!.value) : undefined;
  const buttons: Button[] = [];
  const page = rows.length === 1 ? pageButton(ctx, rows[0]!) : undefined;
  if (page) buttons.push(page);
  buttons.push({ label: 'Owner', action: { type: 'command', command: `owner ${row.ref}` } });
  return {
    summary: nowText ? `On call now for ${name}: ${nowText}` : `On call for ${name}: the on-call services could not be asked.`,
    header: `On call: ${name} (${kindLabel(row.kind)})`,
    sections,
    buttons,
    ...(first ? {} : { isError: true }),
  };
}

export const oncallCommand: Command = {
  name: 'oncall',
  aliases: ['on-call'],
  summary: 'Who is on call now for a service or team, until when, and who is next',
  usage: 'oncall <entity or team>',
  example: 'oncall payments-api',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(oncallCommand);
    const resolution = await resolveEntity(ctx.db, text);
    if (resolution.status !== 'found') return unresolvedReply('oncall', text, resolution);
    if (resolution.entity.kind === 'user') return errorReply(`${displayName(resolution.entity)} is a person: ask about a service or a team, e.g. oncall payments-api.`);
    return onCallReply(ctx, resolution.entity);
  },
};
