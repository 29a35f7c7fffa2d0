/** An Adaptive Card as sent to Teams; kept apart so dialogs and renderers share it without a cycle. */
export type CardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string; body: Array<Record<string, unknown>> };

export const CARD_VERSION = '1.5';
