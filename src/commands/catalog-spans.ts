/**
 * Rich-text pieces the catalog commands share: entity references, mentions of people and channels,
 * pick-lists, and lists grouped by kind, always bounded.
 */
import { channelOf, displayName, emailOf, userChatIds, type ChatChannel } from '../catalog/entity-view.js';
import { shortRef } from '../catalog/refs.js';
import type { EntityRow } from '../catalog/queries.js';
import type { Resolution } from '../catalog/queries-resolve.js';
import type { Button, ListItem, Reply, RichText, Section, Span } from '../reply/reply.js';

const kindLabels: Record<string, string> = {
  component: 'Component',
  api: 'API',
  resource: 'Resource',
  system: 'System',
  domain: 'Domain',
  group: 'Group',
  user: 'User',
  location: 'Location',
  template: 'Template',
};

export function kindLabel(kind: string, plural = false): string {
  const label = kindLabels[kind] ?? kind;
  if (!plural) return label;
  return label === 'API' ? 'APIs' : `${label}s`;
}

/** Longest list shown in one section before "and N more". */
export const LIST_LIMIT = 10;

export function entitySpan(row: EntityRow | string): Span {
  if (typeof row === 'string') return { type: 'entity', ref: row, text: shortRef(row) };
  const title = displayName(row);
  const short = shortRef(row.ref);
  return { type: 'entity', ref: row.ref, text: title.toLocaleLowerCase('en-US') === short ? title : `${title} (${short})` };
}

export function userSpan(row: EntityRow): Span {
  const ids = userChatIds(row);
  return {
    type: 'user',
    ref: row.ref,
    name: displayName(row),
    ...(emailOf(row) ? { email: emailOf(row) } : {}),
    ...(ids.slackId ? { slackId: ids.slackId } : {}),
    ...(ids.teamsId ? { teamsId: ids.teamsId } : {}),
  };
}

export function channelSpan(channel: ChatChannel): Span {
  return { type: 'channel', ...channel };
}

/** A Group's channel as rich text, or nothing. */
export function groupChannel(row: EntityRow): RichText | undefined {
  const channel = channelOf(row);
  return channel ? [channelSpan(channel)] : undefined;
}

/** Button that runs `command <full ref>`. */
export function refButton(command: string, row: EntityRow, label?: string): Button {
  return { label: label ?? `${displayName(row)} (${kindLabel(row.kind)})`, action: { type: 'command', command: `${command} ${row.ref}` } };
}

function candidateItem(command: string, row: EntityRow): ListItem {
  return {
    text: [entitySpan(row), ` — ${kindLabel(row.kind)}${row.type ? ` (${row.type})` : ''}`],
    ...(row.description ? { detail: [row.description] } : {}),
    button: refButton(command, row, `${command} ${shortRef(row.ref)}`),
  };
}

/**
 * The answer when the text did not name exactly one entity: a pick-list, "did you mean", or a
 * plain "not found" with a pointer to `find`.
 */
export function unresolvedReply(command: string, text: string, resolution: Exclude<Resolution, { status: 'found' }>): Reply {
  if (resolution.status === 'ambiguous') {
    return {
      summary: `Several entities are called "${text}". Which one?`,
      sections: [{ text: [`Several entities are called `, { type: 'bold', text }, `. Which one?`], list: resolution.candidates.map((r) => candidateItem(command, r)) }],
    };
  }
  if (resolution.status === 'suggestions') {
    const first = resolution.candidates[0];
    return {
      summary: `Nothing is called "${text}". Did you mean ${shortRef(first.ref)}?`,
      sections: [{ text: [`Nothing in the catalog is called `, { type: 'bold', text }, `. Did you mean:`], list: resolution.candidates.map((r) => candidateItem(command, r)) }],
      isError: true,
    };
  }
  return {
    summary: `Nothing in the catalog is called "${text}".`,
    sections: [{ text: [`Nothing in the catalog is called `, { type: 'bold', text }, `. Try `, { type: 'code', text: `find ${text}` }, '.'] }],
    isError: true,
  };
}

/** One section per kind, each bounded, with the command that shows the rest. */
export function sectionsByKind(rows: EntityRow[], counts: Map<string, number>, moreCommand: string | undefined, titlePrefix = '', limit = LIST_LIMIT): Section[] {
  const byKind = new Map<string, EntityRow[]>();
  for (const row of rows) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  const kinds = [...new Set([...counts.keys(), ...byKind.keys()])].sort((a, b) => kindOrder(a) - kindOrder(b));
  return kinds.map((kind) => {
    const shown = (byKind.get(kind) ?? []).slice(0, limit);
    const total = counts.get(kind) ?? shown.length;
    return {
      title: `${titlePrefix}${kindLabel(kind, true)} (${total})`,
      list: shown.map((row) => ({
        text: [entitySpan(row), ...(row.type ? [` — ${row.type}`] : []), ...(row.lifecycle ? [`, ${row.lifecycle}`] : [])],
        ...(row.description ? { detail: [row.description] } : {}),
      })),
      ...(total > shown.length ? { more: { count: total - shown.length, ...(moreCommand ? { command: moreCommand } : {}) } } : {}),
    };
  });
}

const kindSequence = ['system', 'component', 'api', 'resource', 'domain', 'group', 'user', 'template', 'location'];
function kindOrder(kind: string): number {
  const i = kindSequence.indexOf(kind);
  return i === -1 ? kindSequence.length : i;
}

/** Members as mentions, bounded. */
export function memberItems(users: EntityRow[]): ListItem[] {
  return users.slice(0, LIST_LIMIT).map((u) => ({ text: [userSpan(u)] }));
}
