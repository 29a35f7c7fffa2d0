/**
 * Renders the core `Reply` as an Adaptive Card 1.5 (the newest version Teams renders everywhere).
 * People become Teams mentions when the caller can resolve them; lists are cut with "and N more"
 * until the card fits in Teams' message size limit; `summary` is the text fallback.
 */
import type { Button, ListItem, Reply, RichText, Section, Span } from '../../src/reply/reply.js';
import { openableUrl, plain } from '../../src/reply/reply.js';
import { cardPlain, cardText, fitCardParts, type CardPart } from './card-text.js';
import { openData } from './task-module.js';
import { CARD_VERSION, type CardJson } from './card-json.js';

export { CARD_VERSION, type CardJson } from './card-json.js';

export type UserSpan = Extract<Span, { type: 'user' }>;

/** The Teams id to mention a person by: a Teams user id (29:...) or an AAD object id. */
export interface MentionTarget {
  id: string;
  name: string;
}

export type MentionLookup = (user: UserSpan) => MentionTarget | undefined;


/** What a button click sends back (Action.Submit data). */
export type SubmitData =
  | { callsheet: 'command'; line: string }
  | { callsheet: 'action'; id: string; value: Record<string, string> };

/** Teams rejects messages over about 28 KB; the card leaves room for the activity around it. */
export const MAX_CARD_BYTES = 24_000;
const MAX_ACTIONS = 6;
const LIST_LIMITS = [Infinity, 50, 25, 10, 5, 2];

export interface RenderOptions {
  mention?: MentionLookup;
  maxBytes?: number;
  /** Action ids that open a dialog (task module) instead of posting back to the conversation. */
  dialogs?: ReadonlySet<string>;
}

export function renderCard(reply: Reply, options: RenderOptions = {}): CardJson {
  const maxBytes = options.maxBytes ?? MAX_CARD_BYTES;
  for (const limit of LIST_LIMITS) {
    const card = build(reply, options, limit, reply.sections.length);
    if (byteSize(card) <= maxBytes) return card;
  }
  // Still too big with two items a list: keep the header and as many whole sections as fit.
  let fits = -1;
  for (let low = 0, high = reply.sections.length - 1; low <= high; ) {
    const middle = (low + high) >> 1;
    if (byteSize(build(reply, options, 2, middle)) <= maxBytes) {
      fits = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (fits >= 0) return build(reply, options, 2, fits);
  return build({ summary: reply.summary, header: reply.header, sections: [{ text: [reply.summary] }], isError: reply.isError }, {}, 0, 1);
}

export function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function build(reply: Reply, options: RenderOptions, listLimit: number, sectionCount: number): CardJson {
  const lookup = options.mention;
  const action = (button: Button) => renderAction(button, options.dialogs);
  const actionsOf = (buttons: Button[]) => buttons.map(action).filter((a): a is Record<string, unknown> => !!a);
  const mentions = new Map<string, MentionTarget>();
  const md = (text: RichText | undefined) => markdown(text, lookup, mentions);
  const body: Array<Record<string, unknown>> = [];
  if (reply.header) {
    body.push({ type: 'TextBlock', text: escape(reply.header), size: 'Large', weight: 'Bolder', wrap: true, ...(reply.isError ? { color: 'Attention' } : {}) });
  }
  const shown = reply.sections.slice(0, sectionCount);
  for (const section of shown) body.push(...renderSection(section, md, actionsOf, listLimit, body.length > 0));
  const left = reply.sections.length - shown.length;
  if (left > 0) body.push({ type: 'TextBlock', text: `and ${left} more section${left === 1 ? '' : 's'} (too long for one message)`, isSubtle: true, wrap: true });
  for (const line of reply.context ?? []) {
    body.push({ type: 'TextBlock', text: md(line), size: 'Small', isSubtle: true, wrap: true, spacing: 'Medium' });
  }
  if (body.length === 0) body.push({ type: 'TextBlock', text: escape(reply.summary), wrap: true });
  const card: CardJson = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: cardPlain(reply.summary),
    body,
  };
  const actions = actionsOf(reply.buttons ?? []).slice(0, MAX_ACTIONS);
  if (actions.length > 0) card.actions = actions;
  if (mentions.size > 0) {
    card.msteams = {
      width: 'Full',
      entities: [...mentions.values()].map((m) => ({ type: 'mention', text: mentionText(m), mentioned: { id: m.id, name: m.name } })),
    };
  } else {
    card.msteams = { width: 'Full' };
  }
  return card;
}

function renderSection(section: Section, md: (t: RichText | undefined) => string, actionsOf: (b: Button[]) => Array<Record<string, unknown>>, listLimit: number, separate: boolean): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  if (section.title) items.push({ type: 'TextBlock', text: escape(section.title), weight: 'Bolder', wrap: true });
  if (section.text && section.text.length > 0) items.push({ type: 'TextBlock', text: md(section.text), wrap: true });
  if (section.fields && section.fields.length > 0) {
    // FactSet values do not render mentions, so fields that mention someone become text lines.
    const facts = section.fields.map((f) => ({ title: escape(f.label), value: md(f.value) }));
    if (facts.some((f) => f.value.includes('<at>'))) {
      for (const f of facts) items.push({ type: 'TextBlock', text: `**${f.title}:** ${f.value}`, wrap: true, spacing: 'Small' });
    } else {
      items.push({ type: 'FactSet', facts });
    }
  }
  if (section.list && section.list.length > 0) {
    const list = section.list.slice(0, listLimit);
    for (const item of list) items.push(renderItem(item, md, actionsOf));
    const more = section.list.length - list.length + (section.more?.count ?? 0);
    if (more > 0) {
      const hint = section.more?.command ? ` (${escape(section.more.command)})` : '';
      items.push({ type: 'TextBlock', text: `and ${more} more${hint}`, isSubtle: true, wrap: true, spacing: 'Small' });
    }
  } else if (section.more && section.more.count > 0) {
    items.push({ type: 'TextBlock', text: `and ${section.more.count} more`, isSubtle: true, wrap: true });
  }
  const buttons = actionsOf(section.buttons ?? []).slice(0, MAX_ACTIONS);
  if (buttons.length > 0) items.push({ type: 'ActionSet', actions: buttons });
  if (items.length === 0) return [];
  return [{ type: 'Container', items, ...(separate ? { separator: true, spacing: 'Medium' } : {}) }];
}

function renderItem(item: ListItem, md: (t: RichText | undefined) => string, actionsOf: (b: Button[]) => Array<Record<string, unknown>>): Record<string, unknown> {
  const texts: Array<Record<string, unknown>> = [{ type: 'TextBlock', text: md(item.text), wrap: true }];
  if (item.detail && item.detail.length > 0) texts.push({ type: 'TextBlock', text: md(item.detail), isSubtle: true, size: 'Small', wrap: true, spacing: 'None' });
  const button = item.button ? actionsOf([item.button]) : [];
  if (button.length === 0) return { type: 'Container', items: texts, spacing: 'Small' };
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: 'stretch', items: texts, verticalContentAlignment: 'Center' },
      { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: button }], verticalContentAlignment: 'Center' },
    ],
  };
}

/**
 * A card action, or undefined for a URL that may not be opened from chat. A button that asks first
 * becomes an Action.ShowCard: the question and the real Action.Submit open under it, so nothing is
 * sent until the second click.
 */
function renderAction(button: Button, dialogs: ReadonlySet<string> | undefined): Record<string, unknown> | undefined {
  const action = renderDirect(button, dialogs);
  const confirm = button.confirm;
  if (!action || !confirm || action.type !== 'Action.Submit') return action;
  return {
    type: 'Action.ShowCard',
    title: action.title,
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: escape(confirm.title), weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: escape(confirm.text), wrap: true },
      ],
      actions: [{ ...action, title: cardPlain(confirm.confirm, 80) }],
    },
  };
}

function renderDirect(button: Button, dialogs: ReadonlySet<string> | undefined): Record<string, unknown> | undefined {
  const style = button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {};
  const title = cardPlain(button.label, 80);
  switch (button.action.type) {
    case 'url': {
      const url = openableUrl(button.action.url);
      return url ? { type: 'Action.OpenUrl', title, url, ...style } : undefined;
    }
    case 'command': {
      const data: SubmitData = { callsheet: 'command', line: button.action.command };
      return { type: 'Action.Submit', title, data, ...style };
    }
    case 'action': {
      if (dialogs?.has(button.action.id)) return { type: 'Action.Submit', title, data: openData(button.action.id, button.action.value), ...style };
      const data: SubmitData = { callsheet: 'action', id: button.action.id, value: button.action.value };
      return { type: 'Action.Submit', title, data, ...style };
    }
  }
}

function markdown(text: RichText | undefined, lookup: MentionLookup | undefined, mentions: Map<string, MentionTarget>): string {
  if (!text) return '';
  const parts: CardPart[] = text.flatMap((span): CardPart[] => {
    if (typeof span === 'string') return [{ text: span }];
    switch (span.type) {
      case 'link': {
        const url = openableUrl(span.url);
        if (!url) return [{ text: span.text }];
        // A link is one unit: cut in the middle it would show its markdown.
        return [{ atomic: `[${cardText(span.text || url, 500)}](${url.replace(/[()\s]/g, encodeURIComponent)})` }];
      }
      case 'user': {
        const target = lookup?.(span);
        if (!target) return [{ text: span.name }];
        const safe = { id: target.id, name: target.name.replace(/[<>]/g, '') || span.ref };
        return [{ atomic: mentionText(safe), onKept: () => mentions.set(safe.id, safe) }];
      }
      case 'bold':
        return [{ atomic: `**${cardText(span.text, 500)}**` }];
      default:
        return [{ text: plain([span]) }];
    }
  });
  return fitCardParts(parts);
}

function mentionText(target: MentionTarget): string {
  return `<at>${target.name}</at>`;
}

/** Markdown characters and `<at>` in catalog text are shown as they are, not interpreted. */
function escape(text: string): string {
  return cardText(text);
}

/** Every user span of a reply, for resolving mentions before rendering. */
export function userSpans(reply: Reply): UserSpan[] {
  const spans: UserSpan[] = [];
  const visit = (text: RichText | undefined) => {
    for (const span of text ?? []) if (typeof span !== 'string' && span.type === 'user') spans.push(span);
  };
  for (const section of reply.sections) {
    visit(section.text);
    for (const f of section.fields ?? []) visit(f.value);
    for (const item of section.list ?? []) {
      visit(item.text);
      visit(item.detail);
    }
  }
  for (const line of reply.context ?? []) visit(line);
  return spans;
}
