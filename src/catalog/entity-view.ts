/**
 * What chat shows about an entity, read from its Backstage fields and the annotations the wider
 * Backstage ecosystem uses (Slack, Teams, PagerDuty, Opsgenie, TechDocs, source locations).
 */
import type { EntityRow } from './queries.js';
import { publicAnnotations } from './secret-annotations.js';

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** String annotations, without the secret ones (SECRET_ANNOTATIONS): this is what chat may show. */
export function annotationsOf(row: EntityRow): Record<string, string> {
  const raw = publicAnnotations(obj(obj(row.entity.metadata).annotations));
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function hasAnnotation(row: EntityRow, key: string): boolean {
  return Boolean(str(obj(obj(row.entity.metadata).annotations)[key]));
}

export function specOf(row: EntityRow): Json {
  return obj(row.entity.spec);
}

/** Display name: title, a User's profile display name, or the name. */
export function displayName(row: EntityRow): string {
  const metadata = obj(row.entity.metadata);
  return str(metadata.title) ?? str(obj(specOf(row).profile).displayName) ?? str(metadata.name) ?? row.name;
}

export function emailOf(row: EntityRow): string | undefined {
  return str(obj(specOf(row).profile).email);
}

export interface Link {
  url: string;
  title: string;
  type?: string;
}

/** Only http(s) links are shown: a catalog file must not smuggle `javascript:` (or any other scheme) into chat. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function linksOf(row: EntityRow): Link[] {
  const raw = obj(row.entity.metadata).links;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((l) => {
    const link = obj(l);
    const url = safeUrl(str(link.url));
    if (!url) return [];
    return [{ url, title: str(link.title) ?? url, type: str(link.type) }];
  });
}

const docsPattern = /\b(docs?|documentation|runbook|wiki|handbook|readme)\b/i;

export interface Docs {
  /** `backstage.io/techdocs-ref` value, e.g. `dir:.` or `url:https://...`. */
  techdocsRef?: string;
  /** TechDocs site URL when the ref points at one; otherwise undefined. */
  techdocsUrl?: string;
  links: Link[];
}

export function docsOf(row: EntityRow): Docs {
  const a = annotationsOf(row);
  const techdocsRef = a['backstage.io/techdocs-ref'];
  const techdocsUrl = techdocsRef?.startsWith('url:') ? safeUrl(techdocsRef.slice(4)) : undefined;
  const links = linksOf(row).filter((l) => l.type === 'docs' || l.type === 'documentation' || l.type === 'runbook' || docsPattern.test(l.title));
  return { techdocsRef, techdocsUrl, links };
}

export interface OnCall {
  pagerDutyServiceId?: string;
  pagerDutyServiceUrl?: string;
  /** The integration key itself is a credential for raising incidents: only its presence is shown. */
  hasPagerDutyIntegrationKey: boolean;
  opsgenieTeam?: string;
  opsgenieComponentSelector?: string;
}

export function onCallOf(row: EntityRow): OnCall | undefined {
  const a = annotationsOf(row);
  const serviceId = a['pagerduty.com/service-id'];
  const account = a['pagerduty.com/account'];
  const result: OnCall = {
    pagerDutyServiceId: serviceId,
    pagerDutyServiceUrl: serviceId && account ? safeUrl(`https://${account}.pagerduty.com/service-directory/${encodeURIComponent(serviceId)}`) : undefined,
    hasPagerDutyIntegrationKey: hasAnnotation(row, 'pagerduty.com/integration-key'),
    opsgenieTeam: a['opsgenie.com/team'],
    opsgenieComponentSelector: a['opsgenie.com/component-selector'],
  };
  return result.pagerDutyServiceId || result.hasPagerDutyIntegrationKey || result.opsgenieTeam || result.opsgenieComponentSelector ? result : undefined;
}

export interface ChatChannel {
  name?: string;
  slackId?: string;
  teamsId?: string;
}

/** A Group's chat channel from `slack.com/channel-*` and `microsoft.com/teams-channel-*` annotations. */
export function channelOf(row: EntityRow): ChatChannel | undefined {
  const a = annotationsOf(row);
  const channel: ChatChannel = {
    name: (a['slack.com/channel-name'] ?? a['microsoft.com/teams-channel-name'])?.replace(/^#/, ''),
    slackId: a['slack.com/channel-id'],
    teamsId: a['microsoft.com/teams-channel-id'],
  };
  return channel.name || channel.slackId || channel.teamsId ? channel : undefined;
}

export interface ChatIds {
  slackId?: string;
  teamsId?: string;
}

export function userChatIds(row: EntityRow): ChatIds {
  const a = annotationsOf(row);
  return { slackId: a['slack.com/user-id'], teamsId: a['microsoft.com/teams-user-id'] ?? a['graph.microsoft.com/user-id'] };
}

export interface SourceLinks {
  path: string;
  viewUrl?: string;
  editUrl?: string;
}

export function sourceOf(row: EntityRow): SourceLinks {
  const a = annotationsOf(row);
  return {
    path: row.filePath,
    viewUrl: safeUrl(a['backstage.io/view-url']) ?? safeUrl(row.fileUrl ?? undefined),
    editUrl: safeUrl(a['backstage.io/edit-url']),
  };
}
