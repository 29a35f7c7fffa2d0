import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/nudges/evaluate.js';
import { brokenFile } from '../../src/nudges/rules/broken-file.js';
import { deprecatedInUse } from '../../src/nudges/rules/deprecated-in-use.js';
import { missingDescription } from '../../src/nudges/rules/missing-description.js';
import { missingDocs } from '../../src/nudges/rules/missing-docs.js';
import { missingLifecycle } from '../../src/nudges/rules/missing-lifecycle.js';
import { missingSystem } from '../../src/nudges/rules/missing-system.js';
import { noOwner } from '../../src/nudges/rules/no-owner.js';
import { ownerWithoutMembers } from '../../src/nudges/rules/owner-without-members.js';
import { stale } from '../../src/nudges/rules/stale.js';
import { unknownOwner } from '../../src/nudges/rules/unknown-owner.js';
import { indexSnapshot } from '../../src/nudges/snapshot-index.js';
import type { CatalogSnapshot, EntityRule, SnapshotEntity, SnapshotRelation } from '../../src/nudges/types.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const options = { now, staleAfterDays: 180 };

function entity(ref: string, extra: Partial<SnapshotEntity> = {}): SnapshotEntity {
  return {
    ref,
    kind: ref.slice(0, ref.indexOf(':')),
    name: ref.slice(ref.indexOf('/') + 1),
    title: null,
    description: 'described',
    ownerRef: 'group:default/team',
    lifecycle: 'production',
    systemRef: 'system:default/sys',
    annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
    links: [],
    sourceId: 's',
    filePath: 'catalog-info.yaml',
    fileUrl: null,
    fileCommittedAt: null,
    lastChangedAt: daysAgo(1),
    lastReviewedAt: null,
    ...extra,
  };
}

const team = entity('group:default/team', { ownerRef: null });
const alice = entity('user:default/alice', { ownerRef: null });
const membership: SnapshotRelation[] = [{ sourceRef: 'group:default/team', type: 'hasMember', targetRef: 'user:default/alice' }];

function check(rule: EntityRule, e: SnapshotEntity, more: SnapshotEntity[] = [], relations: SnapshotRelation[] = membership): string | undefined | 'n/a' {
  const index = indexSnapshot({ entities: [team, alice, e, ...more], relations, problems: [], snoozes: [] });
  return rule.applies(e, index) ? rule.check(e, index, options) : 'n/a';
}

describe('nudge rules', () => {
  const ok = entity('component:default/ok');
  it('no owner', () => {
    expect(check(noOwner, entity('template:default/t', { ownerRef: null }))).toMatch(/no owner/);
    expect(check(noOwner, ok)).toBeUndefined();
    expect(check(noOwner, alice)).toBe('n/a');
  });
  it('owner that is no Group or User', () => {
    expect(check(unknownOwner, entity('component:default/x', { ownerRef: 'group:default/gone' }))).toMatch(/gone is not a Group or User/);
    expect(check(unknownOwner, entity('component:default/x', { ownerRef: 'system:default/sys' }), [entity('system:default/sys')])).toMatch(/not a Group or User/);
    expect(check(unknownOwner, entity('component:default/x', { ownerRef: 'user:default/alice' }))).toBeUndefined();
    expect(check(unknownOwner, ok)).toBeUndefined();
  });
  it('owner group without members, counting child groups', () => {
    expect(check(ownerWithoutMembers, ok, [], [])).toMatch(/team has no members/);
    expect(check(ownerWithoutMembers, ok)).toBeUndefined();
    const parent = entity('group:default/parent', { ownerRef: null });
    const viaChild = entity('component:default/y', { ownerRef: 'group:default/parent' });
    expect(check(ownerWithoutMembers, viaChild, [parent], [...membership, { sourceRef: 'group:default/parent', type: 'parentOf', targetRef: 'group:default/team' }])).toBeUndefined();
    expect(check(ownerWithoutMembers, entity('component:default/z', { ownerRef: 'user:default/alice' }))).toBe('n/a');
  });
  it('stale: file not changed and not confirmed for STALE_AFTER_DAYS', () => {
    expect(check(stale, entity('component:default/old', { fileCommittedAt: daysAgo(200) }))).toBe('not changed or confirmed for 200 days');
    expect(check(stale, entity('component:default/old', { fileCommittedAt: null, lastChangedAt: daysAgo(181) }))).toMatch(/181 days/);
    expect(check(stale, entity('component:default/reviewed', { fileCommittedAt: daysAgo(200), lastReviewedAt: daysAgo(10) }))).toBeUndefined();
    // A file commit wins over sync's change time: a re-synced but old file is still stale.
    expect(check(stale, entity('component:default/c', { fileCommittedAt: daysAgo(200), lastChangedAt: daysAgo(1) }))).toMatch(/200 days/);
    expect(check(stale, ok)).toBeUndefined();
  });
  it('missing description, lifecycle, system, docs', () => {
    expect(check(missingDescription, entity('component:default/d', { description: '  ' }))).toMatch(/no description/);
    expect(check(missingDescription, ok)).toBeUndefined();
    expect(check(missingLifecycle, entity('api:default/a', { lifecycle: null }))).toMatch(/no lifecycle/);
    // Backstage's Resource has no spec.lifecycle: asking for one would be a finding nobody can fix.
    expect(check(missingLifecycle, entity('resource:default/r', { lifecycle: null }))).toBe('n/a');
    expect(check(missingLifecycle, entity('system:default/s', { lifecycle: null }))).toBe('n/a');
    expect(check(missingSystem, entity('api:default/a', { systemRef: null }))).toMatch(/not part of a system/);
    expect(check(missingSystem, ok)).toBeUndefined();
    expect(check(missingDocs, entity('component:default/n', { annotations: {} }))).toMatch(/no docs/);
    expect(check(missingDocs, entity('component:default/l', { annotations: {}, links: [{ url: 'https://wiki.example/x', title: 'Runbook' }] }))).toBeUndefined();
    expect(check(missingDocs, entity('component:default/u', { annotations: {}, links: [{ url: 'https://example.com/docs/u' }] }))).toBeUndefined();
    expect(check(missingDocs, entity('component:default/g', { annotations: {}, links: [{ url: 'https://grafana.example', title: 'Dashboard' }] }))).toMatch(/no docs/);
    expect(check(missingDocs, ok)).toBeUndefined();
  });
  it('deprecated while production components depend on it, consume it, or consume an API it provides', () => {
    const old = entity('component:default/old', { lifecycle: 'deprecated' });
    const api = entity('api:default/old-api', { lifecycle: 'production' });
    const prod = entity('component:default/prod');
    const exp = entity('component:default/exp', { lifecycle: 'experimental' });
    expect(check(deprecatedInUse, old, [prod], [{ sourceRef: 'component:default/old', type: 'dependencyOf', targetRef: 'component:default/prod' }])).toMatch(/component prod still uses it/);
    expect(check(deprecatedInUse, old, [exp], [{ sourceRef: 'component:default/old', type: 'dependencyOf', targetRef: 'component:default/exp' }])).toBeUndefined();
    expect(
      check(deprecatedInUse, old, [api, prod], [
        { sourceRef: 'component:default/old', type: 'providesApi', targetRef: 'api:default/old-api' },
        { sourceRef: 'api:default/old-api', type: 'apiConsumedBy', targetRef: 'component:default/prod' },
      ]),
    ).toMatch(/prod still uses it/);
    const deprecatedApi = entity('api:default/dep', { lifecycle: 'deprecated' });
    expect(check(deprecatedInUse, deprecatedApi, [prod], [{ sourceRef: 'api:default/dep', type: 'apiConsumedBy', targetRef: 'component:default/prod' }])).toMatch(/prod still uses it/);
    expect(check(deprecatedInUse, ok)).toBe('n/a');
  });
  it('broken files go to the team that owned what they held', () => {
    const findings = brokenFile.findings(
      [
        { id: 1, sourceId: 's', filePath: 'a.yaml', line: 4, entityRef: null, ownerRef: 'group:default/team', message: 'bad' },
        { id: 2, sourceId: 's', filePath: 'b.yaml', line: null, entityRef: null, ownerRef: null, message: 'nobody' },
      ],
      () => 'https://x/a.yaml',
    );
    expect(findings).toEqual([{ rule: 'broken-file', subject: 'file:s:a.yaml', teamRef: 'group:default/team', message: 'a.yaml:4: bad', url: 'https://x/a.yaml' }]);
  });
  it('leaves snoozed findings out of findings and out of the score', () => {
    const e = entity('component:default/e', { description: null });
    const snapshot: CatalogSnapshot = { entities: [team, alice, e], relations: membership, problems: [], snoozes: [] };
    const before = evaluate(snapshot, options).teams.get('group:default/team')!;
    expect(before.findings.map((f) => f.rule)).toEqual(['missing-description']);
    expect(before.score).toBeCloseTo(7 / 8, 6);
    const snoozed = evaluate({ ...snapshot, snoozes: [{ subject: e.ref, rule: 'missing-description', until: daysAgo(-30) }] }, options).teams.get('group:default/team')!;
    expect(snoozed.findings).toEqual([]);
    expect(snoozed.score).toBe(1);
    const expired = evaluate({ ...snapshot, snoozes: [{ subject: e.ref, rule: 'missing-description', until: daysAgo(1) }] }, options).teams.get('group:default/team')!;
    expect(expired.findings).toHaveLength(1);
  });
});
