/**
 * Slack's limits for a modal view (docs.slack.dev: "Modal views", "Input block", "Select menu element",
 * "Option object", "Plain-text input element"). The form builder keeps text within them; `fitsSlackModal`
 * checks what cannot be shortened without losing meaning (block and option counts).
 */
import type { Field, Form } from '../reply/form.js';

export const SLACK_MODAL_LIMITS = {
  /** Blocks per view. */
  blocks: 100,
  /** `title`, `submit` and `close` of a modal. */
  modalTitle: 24,
  /** Input block `label`. */
  label: 2000,
  /** Input block `hint`. */
  hint: 2000,
  /** Element `placeholder`. */
  placeholder: 150,
  /** Options of a static (multi-)select. */
  options: 100,
  /** Option `text`. */
  optionText: 75,
  /** Option `value`. */
  optionValue: 150,
  /** `block_id` and `action_id`. */
  id: 255,
  /** `private_metadata` of a view. */
  privateMetadata: 3000,
  /** Plain-text input `max_length`. */
  textInput: 3000,
} as const;

/** Blocks a page needs besides its inputs: a header (page n of m) and the page description. */
export const PAGE_OVERHEAD_BLOCKS = 2;

/** Fields per page; longer pages are split so that every page fits one view. */
export const MAX_FIELDS_PER_PAGE = SLACK_MODAL_LIMITS.blocks - PAGE_OVERHEAD_BLOCKS;

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function fitText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function length(text: string | undefined): number {
  return text === undefined ? 0 : [...text].length;
}

function fieldProblems(field: Field, where: string): string[] {
  const problems: string[] = [];
  const L = SLACK_MODAL_LIMITS;
  if (length(field.label) === 0) problems.push(`${where}: empty label`);
  if (length(field.label) > L.label) problems.push(`${where}: label longer than ${L.label}`);
  if (length(field.help) > L.hint) problems.push(`${where}: help longer than ${L.hint}`);
  if (length(field.placeholder) > L.placeholder) problems.push(`${where}: placeholder longer than ${L.placeholder}`);
  if (length(field.id) > L.id) problems.push(`${where}: id longer than ${L.id}`);
  if (field.type === 'select' || field.type === 'multiselect') {
    if (field.options.length === 0) problems.push(`${where}: no options`);
    if (field.options.length > L.options) problems.push(`${where}: ${field.options.length} options (at most ${L.options})`);
    for (const option of field.options) {
      if (length(option.label) === 0 || length(option.label) > L.optionText) problems.push(`${where}: option "${option.label}" must have 1-${L.optionText} characters`);
      if (JSON.stringify(option.value ?? null).length > L.optionValue) problems.push(`${where}: option value of "${option.label}" longer than ${L.optionValue}`);
    }
  }
  return problems;
}

/** Problems that would make Slack reject a view built from this form; empty when it fits. */
export function slackModalProblems(form: Form): string[] {
  const problems: string[] = [];
  if (form.pages.length === 0 && form.schemas.length > 0) problems.push('form has schemas but no pages');
  form.pages.forEach((page, i) => {
    const where = `page ${i + 1} (${page.title})`;
    const blocks = page.fields.filter((f) => f.type !== 'hidden').length + PAGE_OVERHEAD_BLOCKS;
    if (blocks > SLACK_MODAL_LIMITS.blocks) problems.push(`${where}: ${blocks} blocks (at most ${SLACK_MODAL_LIMITS.blocks})`);
    if (length(page.title) > SLACK_MODAL_LIMITS.label) problems.push(`${where}: title longer than ${SLACK_MODAL_LIMITS.label}`);
    for (const field of page.fields) problems.push(...fieldProblems(field, `${where}, field ${field.id}`));
  });
  return problems;
}

export function fitsSlackModal(form: Form): boolean {
  return slackModalProblems(form).length === 0;
}
