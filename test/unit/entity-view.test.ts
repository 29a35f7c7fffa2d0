import { describe, expect, it } from 'vitest';
import { channelOf, docsOf, linksOf, onCallOf, safeUrl, sourceOf } from '../../src/catalog/entity-view.js';
import type { EntityRow } from '../../src/catalog/queries.js';

const row = (metadata: Record<string, unknown>, extra: Partial<EntityRow> = {}) =>
  ({ ref: 'component:default/x', name: 'x', filePath: 'x.yaml', fileUrl: null, entity: { kind: 'Component', metadata: { name: 'x', ...metadata }, spec: {} }, ...extra }) as EntityRow;

describe('entity view', () => {
  it('keeps only http(s) links, so a catalog file cannot put script URLs into chat', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    const links = linksOf(row({ links: [{ url: 'javascript:alert(1)', title: 'bad' }, { url: 'https://ok.example/a', title: 'Dashboard' }, { url: 'https://d.example', title: 'API docs' }] }));
    expect(links.map((l) => l.title)).toEqual(['Dashboard', 'API docs']);
    expect(docsOf(row({ links: [{ url: 'https://d.example', title: 'API docs' }], annotations: { 'backstage.io/techdocs-ref': 'url:https://docs.example/x' } }))).toEqual({
      techdocsRef: 'url:https://docs.example/x',
      techdocsUrl: 'https://docs.example/x',
      links: [{ url: 'https://d.example/', title: 'API docs', type: undefined }],
    });
  });

  it('reads on-call, channels (Slack and Teams) and source annotations', () => {
    expect(onCallOf(row({}))).toBeUndefined();
    expect(onCallOf(row({ annotations: { 'pagerduty.com/integration-key': 'k', 'opsgenie.com/team': 'Payments' } }))).toEqual({
      pagerDutyServiceId: undefined,
      pagerDutyServiceUrl: undefined,
      hasPagerDutyIntegrationKey: true,
      opsgenieTeam: 'Payments',
      opsgenieComponentSelector: undefined,
    });
    expect(channelOf(row({ annotations: { 'microsoft.com/teams-channel-id': '19:abc@thread.tacv2', 'microsoft.com/teams-channel-name': 'Payments' } }))).toEqual({ name: 'Payments', slackId: undefined, teamsId: '19:abc@thread.tacv2' });
    expect(channelOf(row({ annotations: { 'slack.com/channel-name': '#team-x' } }))).toEqual({ name: 'team-x', slackId: undefined, teamsId: undefined });
    expect(sourceOf(row({}, { fileUrl: 'https://git.example/x.yaml' }))).toEqual({ path: 'x.yaml', viewUrl: 'https://git.example/x.yaml', editUrl: undefined });
  });
});
