/**
 * Nudges' Fix on an entity synced from a gitlab: source opens a merge request on the fake GitLab:
 * the edited file keeps its other documents byte for byte and its comments, the default branch is
 * untouched until merged, and a file changed between read and commit is refused, not overwritten.
 * A GitHub file next to it still goes to the GitHub opener (routing by URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { gitlabMergeRequestOpener } from '../../src/gitlab/mr-opener.js';
import { parseGitlabFileUrl } from '../../src/gitlab/file-url.js';
import { proposeFix, type Actor } from '../../src/nudges/actions.js';
import { routeOpeners } from '../../src/nudges/fix-routing.js';
import type { PullRequestOpener, PullRequestRequest } from '../../src/nudges/ports.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient, gitlabSyncService, push } from '../helpers/gitlab-sync.js';

const GROUP = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
spec:
  type: team
  children: []
`;
const FIRST = `# Billing, kept by payments
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing # the public name
spec:
  type: service
  lifecycle: production
  owner: nobody-here
`;
const SECOND = `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:   {name: invoices}
spec: {type: service, lifecycle: production, owner: team-payments}
`;
const alice: Actor = { name: 'Alice', platform: 'slack', userRef: 'user:default/alice' };
const clock = fixedClock('2026-06-01T09:00:00Z');

describe('Fix as a GitLab merge request', () => {
  let fake: FakeGitlab;
  let database: TestDatabase;
  const model = new FakeGitlabModel();
  let opener: PullRequestOpener;
  const github: PullRequestRequest[] = [];

  beforeAll(async () => {
    model.addProject('acme/platform/billing', { files: { 'catalog-info.yaml': FIRST + SECOND } });
    model.addProject('acme/teams', { files: { 'catalog-info.yaml': GROUP } });
    fake = await startFakeGitlab({ model });
    database = await createTestDatabase();
    const source = 'gitlab:acme?kinds=Component,Group';
    expect((await gitlabSyncService(database.db, fake, [source]).syncSource('gitlab:acme')).status).toBe('synced');
    const githubOpener: PullRequestOpener = {
      handles: (url) => url.startsWith('https://github.com/'),
      readFile: async () => FIRST,
      open: async (r) => (github.push(r), { url: 'https://github.com/acme/x/pull/1' }),
    };
    opener = routeOpeners([githubOpener, gitlabMergeRequestOpener({ client: () => fakeGitlabClient(fake), webUrl: fake.url })])!;
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('opens a merge request changing only the entity’s field, the rest of the file as it was', async () => {
    const result = await proposeFix(database.db, opener, { entityRef: 'component:default/billing', rule: 'unknown-owner', value: 'team-payments', requester: alice }, clock);
    const project = model.mustGet('acme/platform/billing');
    const [mr] = project.mergeRequests;
    expect(result).toEqual({ kind: 'pull-request', url: `${fake.url}/acme/platform/billing/-/merge_requests/1` });
    expect(mr).toMatchObject({ title: 'Catalog: set owner of billing', target_branch: 'main', state: 'opened', remove_source_branch: true });
    expect(mr!.source_branch).toMatch(/^callsheet\/fix-billing-owner-/);
    expect(mr!.description).toMatch(/Requested by Alice \(user:default\/alice\) from slack/);
    const edited = project.branches.get(mr!.source_branch)!.get('catalog-info.yaml')!;
    expect(edited).toBe(FIRST.replace('owner: nobody-here', 'owner: team-payments') + SECOND);
    expect(project.branches.get('main')!.get('catalog-info.yaml')).toBe(FIRST + SECOND);
    expect(github).toEqual([]);
  });

  it('refuses to overwrite a file changed between reading and committing', async () => {
    const url = `${fake.url}/acme/platform/billing/-/blob/main/catalog-info.yaml`;
    const text = await opener.readFile(url);
    push(model.mustGet('acme/platform/billing'), { 'catalog-info.yaml': text.replace('lifecycle: production', 'lifecycle: deprecated') }, model);
    await expect(opener.open({ fileUrl: url, filePath: 'acme/platform/billing/catalog-info.yaml', newContent: text, title: 't', body: 'b', branch: 'callsheet/x', requester: 'Alice' })).rejects.toThrow(/changed on main since it was read/);
    expect(model.mustGet('acme/platform/billing').mergeRequests).toHaveLength(1);
  });

  it('handles only files on the configured GitLab, subgroups and self-managed roots included', () => {
    expect(parseGitlabFileUrl('https://gitlab.example.com/acme/platform/billing/-/blob/main/deploy/catalog-info.yaml', 'https://gitlab.example.com')).toEqual({ project: 'acme/platform/billing', ref: 'main', path: 'deploy/catalog-info.yaml' });
    expect(parseGitlabFileUrl('https://example.com/gitlab/acme/x/-/edit/dev/c.yaml', 'https://example.com/gitlab')).toEqual({ project: 'acme/x', ref: 'dev', path: 'c.yaml' });
    expect(parseGitlabFileUrl('https://gitlab.other.com/acme/x/-/blob/main/c.yaml', 'https://gitlab.example.com')).toBeUndefined();
    expect(parseGitlabFileUrl('https://gitlab.example.com/acme/x/blob/main/c.yaml', 'https://gitlab.example.com')).toBeUndefined();
    expect(opener.handles('https://github.com/acme/x/blob/main/c.yaml')).toBe(true);
  });
});
