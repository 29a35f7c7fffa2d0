/** Slack interactivity payloads as Slack sends them (view submissions and options loads) for e2e tests. */
import type { Testbed } from './slack-testbed.js';

const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: 'T0001' });

/** Posts an interactivity payload and returns the JSON Slack would receive as the HTTP answer. */
export async function interact(bed: Testbed, payload: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const res = await bed.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  return { status: res.status, json: res.json };
}

/** view_submission of `view` with the given element states by block id (action id taken from the view). */
export function viewSubmission(view: any, values: Record<string, Record<string, unknown>>, options: { user?: string; viewId?: string } = {}) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks ?? []) {
    if (block.type !== 'input') continue;
    const element = block.element;
    state[block.block_id] = { [element.action_id]: { type: element.type, ...(values[block.block_id] ?? {}) } };
  }
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'acme' },
    user: user(options.user ?? 'U0ADA'),
    api_app_id: 'A0001',
    token: 'x',
    trigger_id: '2222.3333.view',
    view: {
      id: options.viewId ?? 'V0MODAL',
      team_id: 'T0001',
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      hash: '1700000000.abc',
      blocks: view.blocks,
      state: { values: state },
    },
  };
}

/** block_suggestion (an external_select's options load) from inside `view`. */
export function optionsLoad(view: any, blockId: string, actionId: string, value: string, options: { user?: string } = {}) {
  return {
    type: 'block_suggestion',
    user: user(options.user ?? 'U0ADA'),
    team: { id: 'T0001', domain: 'acme' },
    api_app_id: 'A0001',
    token: 'x',
    container: { type: 'view', view_id: 'V0MODAL' },
    action_id: actionId,
    block_id: blockId,
    value,
    view: { id: 'V0MODAL', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', blocks: view.blocks, state: { values: {} } },
  };
}

/** Text of every block (section text, fields, context elements, button labels), for assertions. */
export function blockText(blocks: any[] | undefined): string {
  const out: string[] = [];
  for (const b of blocks ?? []) {
    if (b.text?.text) out.push(b.text.text);
    for (const f of b.fields ?? []) out.push(f.text);
    for (const e of b.elements ?? []) out.push(e.text?.text ?? e.text ?? '');
    if (b.accessory?.text?.text) out.push(b.accessory.text.text);
  }
  return out.join('\n');
}
