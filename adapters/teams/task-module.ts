/**
 * Teams dialogs (task modules): a button whose action is a registered dialog opens it (`task/fetch`),
 * the dialog's card submits back (`task/submit`), and its pickers fetch choices as the user types
 * (`application/search`, the Data.Query of a ChoiceSet). Everything a dialog needs between turns
 * travels in its card's data, so any replica can answer the next turn.
 */
import type { Reply } from '../../src/reply/reply.js';
import type { CommandContext } from '../../src/commands/types.js';
import type { StoredReference } from './conversations.js';
import type { CardJson } from './card-json.js';

export interface DialogTurn {
  ctx: CommandContext;
  /** The conversation the dialog was opened from. */
  reference: StoredReference;
  /** Posts a message into that conversation; its activity id, for later updates. */
  post(reply: Reply): Promise<{ activityId?: string }>;
}

export type DialogResult = { type: 'card'; title: string; card: CardJson } | { type: 'message'; text: string };

export interface Choice {
  title: string;
  value: string;
}

export interface DialogHandler {
  /** The first card, from the value of the button that opened the dialog. */
  open(value: Record<string, string>, turn: DialogTurn): Promise<DialogResult>;
  /** A submit from the dialog's card: its data with the inputs merged in. */
  submit(data: Record<string, unknown>, turn: DialogTurn): Promise<DialogResult>;
  /** Choices for a typeahead picker; `dataset` is what the card put after `<dialog id>|`. */
  search?(text: string, dataset: string, turn: DialogTurn): Promise<Choice[]>;
}

/** The data an Action.Submit inside a dialog card carries (inputs are merged in by Teams). */
export function dialogData(id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { callsheet: 'dialog', id, ...extra };
}

/** The `dataset` of a ChoiceSet's Data.Query: routed back to the dialog `id`. */
export function datasetOf(id: string, rest: string): string {
  return `${id}|${rest}`;
}

export function splitDataset(dataset: string): { id: string; rest: string } | undefined {
  const bar = dataset.indexOf('|');
  return bar > 0 ? { id: dataset.slice(0, bar), rest: dataset.slice(bar + 1) } : undefined;
}

/** The invoke response body Teams expects for task/fetch and task/submit. */
export function taskResponse(result: DialogResult) {
  if (result.type === 'message') return { task: { type: 'message', value: result.text.slice(0, 500) } };
  return {
    task: {
      type: 'continue',
      value: { title: result.title.slice(0, 80), width: 'large', height: 'large', card: { contentType: 'application/vnd.microsoft.card.adaptive', content: result.card } },
    },
  };
}

/** Teams shows at most 15 typeahead results. */
export const MAX_SEARCH_RESULTS = 15;

export function searchResponse(choices: Choice[]) {
  return { type: 'application/vnd.microsoft.search.searchResponse', value: { results: choices.slice(0, MAX_SEARCH_RESULTS) } };
}

/** What a dialog-opening button sends: `task/fetch` with our action data. */
export function openData(id: string, value: Record<string, string>): Record<string, unknown> {
  return { msteams: { type: 'task/fetch' }, callsheet: 'action', id, value };
}
