/**
 * The views of the Slack create modal that are not a form page: the template picker, notices
 * (loading, refusals, errors) and the confirmation page of a template without questions. Text from
 * templates and from what the user typed is escaped: these sections are mrkdwn.
 */
import type { types } from '@slack/bolt';
import { SLACK_MODAL_LIMITS as L, fitText } from '../../src/scaffolder/form-limits.js';
import type { Form } from '../../src/reply/form.js';
import { initialValues } from '../../src/scaffolder/form-values.js';
import type { TemplateRecord } from '../../src/scaffolder/templates.js';
import { clipEscaped, escapeMrkdwn, mrkdwnOf } from './mrkdwn.js';
import { FORM_PAGE, hiddenValues, pageView, type CreateState } from './render-form.js';

type ModalView = types.ModalView;

export const TEMPLATE_PICK = 'callsheet.create.pick';
export const TEMPLATE_ACTION = 'callsheet.create.template';
export const TEMPLATE_BLOCK = 'template';

export const plainText = (text: string, max: number = L.modalTitle) => ({ type: 'plain_text' as const, text: fitText(text.trim() || ' ', max), emoji: true });

/** `text` is plain (escaped here); `escaped` is mrkdwn the caller built from escaped pieces. */
function section(text: { text: string } | { escaped: string }): types.KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: 'text' in text ? mrkdwnOf(text.text, L.label) : clipEscaped(text.escaped, L.label) } };
}

export function noticeView(title: string, text: string): ModalView {
  return { type: 'modal', title: plainText(title), close: plainText('Close'), blocks: [section({ text })] };
}

export const loadingView = (title = 'Create') => noticeView(title, 'Loading…');

/** "No template called x. Did you mean *A* (a)?" with every name escaped. */
export function suggestionNotice(message: string, suggestions: TemplateRecord[]): string {
  const names = suggestions.map((t) => `*${escapeMrkdwn(t.title.replace(/\*/g, '∗'))}* (${escapeMrkdwn(t.name)})`).join(', ');
  return names ? `${escapeMrkdwn(message)} Did you mean ${names}?` : escapeMrkdwn(message);
}

/** The picker; `notice` is escaped mrkdwn (see `suggestionNotice`). */
export function pickerView(channel: string | undefined, notice?: string): ModalView {
  const blocks: types.KnownBlock[] = [];
  if (notice) blocks.push(section({ escaped: notice }));
  blocks.push({
    type: 'input',
    block_id: TEMPLATE_BLOCK,
    label: plainText('Template', L.label),
    hint: plainText('Type to search the templates you may run.', L.hint),
    element: { type: 'external_select', action_id: TEMPLATE_ACTION, min_query_length: 0, placeholder: plainText('Choose a template', L.placeholder) },
  });
  return {
    type: 'modal',
    callback_id: TEMPLATE_PICK,
    title: plainText('Create'),
    submit: plainText('Next'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(channel ? { c: channel } : {}),
    blocks,
  };
}

/** Page one of a template's form for a fresh start. */
function firstPage(form: Form, channel: string | undefined): ModalView | undefined {
  const state: CreateState = { t: form.templateRef, p: 0, vals: hiddenValues(form), ...(channel ? { c: channel } : {}) };
  if (form.pages.length === 0) return undefined;
  return pageView(form, 0, { values: { ...initialValues(form), ...state.vals }, state });
}

/** A template with no questions still runs; its "form" is one confirmation page. */
function confirmView(form: Form, channel: string | undefined): ModalView {
  const state: CreateState = { t: form.templateRef, p: 0, vals: {}, ...(channel ? { c: channel } : {}) };
  return {
    type: 'modal',
    callback_id: FORM_PAGE,
    title: plainText(form.title || 'Create'),
    submit: plainText('Create'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(state),
    blocks: [section({ text: form.description ?? `Create something new from ${form.title}.` })],
  };
}

export function formView(form: Form, channel: string | undefined): ModalView {
  return firstPage(form, channel) ?? confirmView(form, channel);
}
