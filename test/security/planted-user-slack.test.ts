/**
 * Identity and permissions come only from org data (issue 13): a `kind: User` planted in any
 * repository of a `github:` organisation claims a Slack id and membership of `platform`; on the old
 * main it ran a template restricted to `group:default/platform`, and a planted User with an earlier
 * name took over a real person's Slack id. The whole service over HTTP, signed Slack requests.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FORM_PAGE } from '../../adapters/slack/render-form.js';
import { entities, syncProblems } from '../../src/db/schema.js';
import { FakeOrg } from '../fakes/github/model.js';
import { groupYaml, restrictedTemplateYaml, startSecurityService, userYaml, yamlDocs, type SecurityService } from '../helpers/security-service.js';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: platform`;

/** Every repository writer of the organisation can add these to their catalog-info.yaml. */
function plantedOrg(): FakeOrg {
  const org = new FakeOrg('acme');
  org.addRepo('payments', {
    files: { 'catalog-info.yaml': yamlDocs(component('payments'), userYaml('trojan', { slack: 'U0TROJAN01', email: 'trojan@evil.example', memberOf: ['platform'] })) },
  });
  // Sorts before "alice": on the old main the first ref by name won the Slack id.
  org.addRepo('aaa-tools', { files: { 'catalog-info.yaml': yamlDocs(component('aaa-tools'), userYaml('aaa-impostor', { slack: 'U01ALICE01', memberOf: ['platform'] })) } });
  return org;
}

const org = {
  'people.yaml': yamlDocs(groupYaml('platform'), userYaml('alice', { slack: 'U01ALICE01', email: 'alice@acme.example', memberOf: ['platform'] })),
};
const templates = { 'platform-tool/template.yaml': restrictedTemplateYaml('platform-tool', 'group:default/platform') };

/** Runs `/catalog create platform-tool` as the Slack user and returns the modal it ends on. */
async function createAs(bed: SecurityService, user: string): Promise<any> {
  const before = bed.slack.accepted('views.update').length;
  const res = await bed.slash('/catalog', 'create platform-tool', user);
  expect(res.status).toBe(200);
  await vi.waitFor(() => expect(bed.slack.accepted('views.update').length).toBeGreaterThan(before), { timeout: 15_000, interval: 20 });
  return bed.slack.accepted('views.update').at(-1)!.args.view;
}

function addSlackUsers(bed: SecurityService) {
  bed.slack.addUser({ id: 'U01ALICE01', email: 'alice@acme.example', name: 'Alice' });
  bed.slack.addUser({ id: 'U0TROJAN01', email: 'trojan@evil.example', name: 'Trojan' });
}

describe('planted Users in a github: organisation (default source rules)', () => {
  let bed: SecurityService;
  beforeAll(async () => {
    bed = await startSecurityService({ org, templates, githubOrg: plantedOrg(), extraSources: ['github:acme'] });
    addSlackUsers(bed);
  }, 60_000);
  afterAll(async () => bed?.close());

  it('rejects a User declared in an organisation source, with a problem naming the rule', async () => {
    const db = bed.service.runtime.database.db;
    expect(await db.select().from(entities).where(eq(entities.ref, 'user:default/trojan'))).toEqual([]);
    const problems = await db.select().from(syncProblems).where(eq(syncProblems.sourceId, 'github:acme'));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/user:default\/trojan.*not of an allowed kind.*may not declare User or Group/);
  });

  it('refuses the restricted template to the planted Slack user', async () => {
    const view = await createAs(bed, 'U0TROJAN01');
    expect(view.callback_id).not.toBe(FORM_PAGE);
    expect(JSON.stringify(view.blocks)).toMatch(/You may not run Platform tool/);
  });

  it('still opens it for the real platform member, whose Slack id the impostor claimed', async () => {
    const view = await createAs(bed, 'U01ALICE01');
    expect(view.callback_id).toBe(FORM_PAGE);
  });
});

describe('planted Users in a source allowed to declare them, but not an org source', () => {
  let bed: SecurityService;
  beforeAll(async () => {
    bed = await startSecurityService({ org, templates, githubOrg: plantedOrg(), extraSources: ['github:acme?kinds=Component,User,Group'], orgFolderOnly: true });
    addSlackUsers(bed);
  }, 60_000);
  afterAll(async () => bed?.close());

  it('keeps them as catalog data, but they grant nothing and claim no one', async () => {
    const db = bed.service.runtime.database.db;
    expect((await db.select().from(entities).where(eq(entities.ref, 'user:default/trojan'))).length).toBe(1);
    expect((await db.select().from(entities).where(eq(entities.ref, 'user:default/aaa-impostor'))).length).toBe(1);
    const refused = await createAs(bed, 'U0TROJAN01');
    expect(JSON.stringify(refused.blocks)).toMatch(/You may not run Platform tool/);
    expect((await createAs(bed, 'U01ALICE01')).callback_id).toBe(FORM_PAGE);
  });
});
