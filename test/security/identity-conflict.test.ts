/**
 * An identity claim (Slack user id, e-mail) made by two org Users is a conflict: it is reported to
 * the platform team and neither User gets the identity until it is resolved (issue 13). On the old
 * main the alphabetically first User silently won. The whole service over HTTP, signed Slack requests.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FORM_PAGE } from '../../adapters/slack/render-form.js';
import { syncProblems } from '../../src/db/schema.js';
import { IDENTITY_PROBLEMS_SOURCE } from '../../src/sync/identity-problems.js';
import { groupYaml, restrictedTemplateYaml, startSecurityService, userYaml, yamlDocs, type SecurityService } from '../helpers/security-service.js';

describe('identity conflicts between org Users', () => {
  let bed: SecurityService;

  beforeAll(async () => {
    bed = await startSecurityService({
      org: {
        'people.yaml': yamlDocs(
          groupYaml('platform'),
          userYaml('alice', { slack: 'U0SHARED01', email: 'alice@acme.example', memberOf: ['platform'] }),
          userYaml('aaa-mallory', { slack: 'U0SHARED01', memberOf: ['platform'] }),
          userYaml('bob', { email: 'bob@acme.example', memberOf: ['platform'] }),
          userYaml('bob-copy', { email: 'BOB@acme.example', memberOf: ['platform'] }),
          userYaml('carol', { slack: 'U0CAROL001', memberOf: ['platform'] }),
        ),
      },
      templates: { 'platform-tool/template.yaml': restrictedTemplateYaml('platform-tool', 'platform') },
      env: { CALLSHEET_ADMINS: 'group:default/platform' },
    });
    bed.slack.addUser({ id: 'U0SHARED01', email: 'someone@acme.example', name: 'Shared' });
    bed.slack.addUser({ id: 'U0BOB00001', email: 'bob@acme.example', name: 'Bob' });
    bed.slack.addUser({ id: 'U0CAROL001', email: 'carol@acme.example', name: 'Carol' });
  }, 60_000);
  afterAll(async () => bed?.close());

  async function createAs(user: string): Promise<any> {
    const before = bed.slack.accepted('views.update').length;
    expect((await bed.slash('/catalog', 'create platform-tool', user)).status).toBe(200);
    await vi.waitFor(() => expect(bed.slack.accepted('views.update').length).toBeGreaterThan(before), { timeout: 15_000, interval: 20 });
    return bed.slack.accepted('views.update').at(-1)!.args.view;
  }

  it('reports both claims of each conflict as problems for the platform team', async () => {
    const rows = await bed.service.runtime.database.db.select().from(syncProblems).where(eq(syncProblems.sourceId, IDENTITY_PROBLEMS_SOURCE));
    const byRef = new Map(rows.map((r) => [r.entityRef, r]));
    expect([...byRef.keys()].sort()).toEqual(['user:default/aaa-mallory', 'user:default/alice', 'user:default/bob', 'user:default/bob-copy']);
    expect(byRef.get('user:default/alice')!.message).toMatch(/identity conflict: .*Slack user id U0SHARED01/);
    expect(byRef.get('user:default/bob')!.message).toMatch(/e-mail bob@acme\.example/);
    expect(rows.every((r) => r.ownerRef === 'group:default/platform' && r.filePath === 'people.yaml')).toBe(true);
  });

  it('gives a contested Slack id to neither User', async () => {
    const view = await createAs('U0SHARED01');
    expect(view.callback_id).not.toBe(FORM_PAGE);
    expect(JSON.stringify(view.blocks)).toMatch(/You may not run Platform tool/);
  });

  it('gives a contested e-mail to neither User', async () => {
    const view = await createAs('U0BOB00001');
    expect(JSON.stringify(view.blocks)).toMatch(/You may not run Platform tool.*could not match you/);
  });

  it('leaves uncontested identities alone', async () => {
    expect((await createAs('U0CAROL001')).callback_id).toBe(FORM_PAGE);
  });
});
