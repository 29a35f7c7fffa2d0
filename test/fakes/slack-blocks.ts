/**
 * Block Kit limits as Slack enforces them, so the fake Slack API (slack-api.ts) rejects what the real
 * one would; unit tests also call these checks directly on rendered blocks and views.
 */
export const LIMITS = { message: 50, view: 100 };

export function blockProblem(blocks: unknown, max: number): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > max) return `no more than ${max} items allowed`;
  const texts: Array<[unknown, number]> = [];
  for (const block of blocks as any[]) {
    switch (block.type) {
      case 'header':
        texts.push([block.text?.text, 150]);
        break;
      case 'section':
        if (block.text) texts.push([block.text.text, 3000]);
        if (block.fields) {
          if (block.fields.length > 10) return 'must provide no more than 10 fields';
          for (const f of block.fields) texts.push([f.text, 2000]);
        }
        if (!block.text && !block.fields) return 'section needs text or fields';
        if (block.accessory?.type === 'button') texts.push([block.accessory.text?.text, 75]);
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) return 'context needs 1 to 10 elements';
        for (const e of block.elements) texts.push([e.text, 3000]);
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) return 'actions needs 1 to 25 elements';
        for (const e of block.elements) {
          texts.push([e.text?.text, 75]);
          if (e.value !== undefined && String(e.value).length > 2000) return 'button value too long';
          if (e.url !== undefined && String(e.url).length > 3000) return 'button url too long';
        }
        break;
      case 'divider':
        break;
      case 'input': {
        texts.push([block.label?.text, 2000]);
        if (block.hint) texts.push([block.hint.text, 2000]);
        if (!block.element?.type || !block.element.action_id) return 'input needs an element with an action_id';
        if (block.element.placeholder) texts.push([block.element.placeholder.text, 150]);
        for (const option of [...(block.element.options ?? []), ...(block.element.initial_options ?? []), ...(block.element.initial_option ? [block.element.initial_option] : [])]) {
          texts.push([option.text?.text, 75]);
          if (typeof option.value !== 'string' || option.value.length === 0 || option.value.length > 150) return 'option value must have 1-150 characters';
        }
        if ((block.element.options ?? []).length > 100) return 'no more than 100 options allowed';
        break;
      }
      default:
        return `unsupported block type ${block.type}`;
    }
  }
  for (const [text, limit] of texts) {
    if (typeof text !== 'string' || text.length === 0) return 'text must be a non-empty string';
    if (text.length > limit) return `must be less than ${limit + 1} characters`;
  }
  const ids = (blocks as any[]).flatMap((b) => [...(b.elements ?? []), b.accessory].filter((e) => e?.action_id).map((e) => e.action_id));
  if (new Set(ids).size !== ids.length) return 'action_id values must be unique';
  const blockIds = (blocks as any[]).filter((b) => b.block_id !== undefined).map((b) => String(b.block_id));
  if (new Set(blockIds).size !== blockIds.length) return 'block_id values must be unique';
  if (blockIds.some((id) => id.length > 255)) return 'block_id must be at most 255 characters';
  return undefined;
}

/** Problems Slack would report for a modal view (blocks, title, buttons, private_metadata). */
export function viewProblem(view: any): string | undefined {
  if (!view || typeof view !== 'object') return 'view must be an object';
  const problem = blockProblem(view.blocks, LIMITS.view);
  if (problem) return problem;
  if (view.type === 'modal') {
    for (const key of ['title', 'submit', 'close']) {
      const text = view[key]?.text;
      if (key === 'title' && typeof text !== 'string') return 'modal needs a title';
      if (text !== undefined && (typeof text !== 'string' || text.length === 0 || text.length > 24)) return `${key} must have 1-24 characters`;
    }
    if ((view.blocks ?? []).some((b: any) => b.type === 'input') && !view.submit) return 'a modal with inputs needs a submit button';
  }
  if (view.private_metadata !== undefined && String(view.private_metadata).length > 3000) return 'private_metadata must be at most 3000 characters';
  return undefined;
}
