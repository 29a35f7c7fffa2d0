/**
 * The platform-neutral answer every command returns. Adapters render it (Block Kit, Adaptive Cards,
 * plain text). Rich text is a list of spans so that mentions and links can be rendered natively.
 */

/** A piece of text. Mentions carry what an adapter needs to resolve the person or channel. */
export type Span =
  | string
  | { type: 'link'; text: string; url: string }
  | { type: 'user'; ref: string; name: string; email?: string; slackId?: string; teamsId?: string }
  | { type: 'channel'; name?: string; slackId?: string; teamsId?: string }
  | { type: 'entity'; ref: string; text: string }
  | { type: 'code'; text: string }
  | { type: 'bold'; text: string };

export type RichText = Span[];

export interface Field {
  label: string;
  value: RichText;
}

export type Action =
  /** Run a command of the grammar (e.g. a "did you mean" pick). */
  | { type: 'command'; command: string }
  /** Open a URL. */
  | { type: 'url'; url: string }
  /** A named interaction handled by a feature (nudge buttons, share, create). */
  | { type: 'action'; id: string; value: Record<string, string> };

/** A question asked before a button acts (Slack's confirm dialog, a Teams card step, a typed answer in the shell). */
export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface Button {
  label: string;
  action: Action;
  style?: 'primary' | 'danger';
  /** Ask first: for buttons that do something hard to undo (paging someone). */
  confirm?: Confirm;
}

export interface ListItem {
  text: RichText;
  /** A secondary line (description, kind). */
  detail?: RichText;
  button?: Button;
}

export interface Section {
  title?: string;
  text?: RichText;
  fields?: Field[];
  list?: ListItem[];
  /** How many items were left out of `list`, and the command that shows them all. */
  more?: { count: number; command?: string };
  buttons?: Button[];
}

export interface Reply {
  /** Short plain-text summary (notifications, text fallbacks). */
  summary: string;
  header?: string;
  sections: Section[];
  /** Small print at the bottom (source file, freshness). */
  context?: RichText[];
  /** Buttons at the bottom. */
  buttons?: Button[];
  /** The reply is an error or a refusal. */
  isError?: boolean;
  /** The reply refuses something the requester may not do (recorded as such in the audit log). */
  refused?: boolean;
}

/** How an answer ended, for the audit log. */
export function outcomeOf(reply: Reply): 'ok' | 'error' | 'refused' {
  return reply.refused ? 'refused' : reply.isError ? 'error' : 'ok';
}

/** Plain text of rich text: for summaries, the shell and text fallbacks. */
export function plain(text: RichText | undefined): string {
  if (!text) return '';
  return text
    .map((span) => {
      if (typeof span === 'string') return span;
      switch (span.type) {
        case 'link':
          return span.text;
        case 'user':
          return span.email ? `${span.name} <${span.email}>` : span.name;
        case 'channel':
          return span.name ? `#${span.name}` : span.slackId ?? span.teamsId ?? '';
        case 'entity':
        case 'code':
        case 'bold':
          return span.text;
      }
    })
    .join('');
}

export function errorReply(message: string, extra: Partial<Reply> = {}): Reply {
  return { summary: message, sections: [{ text: [message] }], isError: true, ...extra };
}

/** A refusal: an error reply that the audit log records as a permission refusal. */
export function refusalReply(message: string): Reply {
  return errorReply(message, { refused: true });
}

/** Join spans with a separator (e.g. a list of mentions). */
export function joinSpans(items: RichText[], separator = ', '): RichText {
  const out: RichText = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(separator);
    out.push(...item);
  });
  return out;
}

/**
 * The URL as it may be opened from chat: only `https:` and `http:`. Anything else (`javascript:`,
 * `data:`, `file:`, `mailto:`, unparsable text) is refused, so a catalog file or a template output
 * cannot put a script or a local path behind a link or button.
 */
export function openableUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A link span when the URL may be opened, else its text alone. */
export function linkSpan(text: string, url: string | undefined): Span {
  const safe = openableUrl(url);
  return safe ? { type: 'link', text, url: safe } : text;
}

function safeText(text: RichText | undefined): RichText | undefined {
  return text?.map((span) => (typeof span !== 'string' && span.type === 'link' ? linkSpan(span.text || span.url, span.url) : span));
}

function safeButtons(buttons: Button[] | undefined): Button[] | undefined {
  return buttons?.flatMap((b) => (b.action.type !== 'url' ? [b] : openableUrl(b.action.url) ? [{ ...b, action: { type: 'url' as const, url: openableUrl(b.action.url)! } }] : []));
}

/** The reply with every link and URL button that may not be opened turned into text or dropped. */
export function safeLinks(reply: Reply): Reply {
  return {
    ...reply,
    sections: reply.sections.map((s) => ({
      ...s,
      ...(s.text ? { text: safeText(s.text) } : {}),
      ...(s.fields ? { fields: s.fields.map((f) => ({ ...f, value: safeText(f.value) ?? [] })) } : {}),
      ...(s.list
        ? { list: s.list.map((i) => ({ ...i, text: safeText(i.text) ?? [], ...(i.detail ? { detail: safeText(i.detail) } : {}), ...(i.button ? { button: safeButtons([i.button])?.[0] } : {}) })) }
        : {}),
      ...(s.buttons ? { buttons: safeButtons(s.buttons) } : {}),
    })),
    ...(reply.context ? { context: reply.context.map((c) => safeText(c) ?? []) } : {}),
    ...(reply.buttons ? { buttons: safeButtons(reply.buttons) } : {}),
  };
}
