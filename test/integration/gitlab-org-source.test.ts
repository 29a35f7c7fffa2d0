/**
 * `gitlab-org:<group>` against the fake GitLab: groups and subgroups become Groups (with parents),
 * direct members become Users with the e-mail the token may read, blocked users and bots are left
 * out, the per-source kinds rule holds, and nobody is removed without a complete read.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourceItem } from '../../src/config/sources.js';
import { entities } from '../../src/db/schema.js';
import { FakeGitlabModel } from '../fakes/gitlab/model.js';
import { startFakeGitlab, type FakeGitlab } from '../fakes/gitlab/server.js';
import { createGitlabClient } from '../../src/gitlab/client.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeGitlabClient, gitlabSyncService } from '../helpers/gitlab-sync.js';

describe('GitLab org source', () => {
  let fake: FakeGitlab;
  let database: TestDatabase;
  const model = new FakeGitlabModel();

  beforeAll(async () => {
    Object.assign(model.addGroup('acme'), { name: 'Acme Corp' });
    Object.assign(model.addGroup('acme/platform'), { name: 'Platform', description: 'Runs the platform' });
    model.addGroup('acme/platform/sre');
    const alice = model.addUser('alice', { name: 'Alice Nguyen', public_email: 'alice@acme.example' });
    const bob = model.addUser('bob', { name: 'Bob Stone', email: 'bob@acme.example' });
    const carol = model.addUser('carol', { state: 'blocked' });
    const bot = model.addUser('project_1_bot', { bot: true });
    model.addMember('acme/platform', alice, 50);
    model.addMember('acme/platform/sre', alice);
    model.addMember('acme/platform/sre', bob);
    model.addMember('acme', carol);
    model.addMember('acme', bot);
    fake = await startFakeGitlab({ model, adminTokens: ['admin-token'] });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  const rows = async (source: string) => (await database.db.select().from(entities).where(eq(entities.sourceId, source))).sort((a, b) => a.ref.localeCompare(b.ref));
  const spec = (e: unknown) => (e as { spec: Record<string, any> }).spec;

  it('turns groups and their members into Groups and Users, as Backstage’s GitLab org provider does', async () => {
    const report = await gitlabSyncService(database.db, fake, ['gitlab-org:acme']).syncSource('gitlab-org:acme');
    expect(report.status).toBe('synced');
    expect(report.problems).toEqual([]);
    const all = await rows('gitlab-org:acme');
    expect(all.map((r) => r.ref)).toEqual(['group:default/acme', 'group:default/acme-platform', 'group:default/acme-platform-sre', 'user:default/alice', 'user:default/bob']);
    const [acme, platform, sre, alice, bob] = all;
    expect(spec(acme!.entity)).toMatchObject({ type: 'team', profile: { displayName: 'Acme Corp' }, members: [] });
    expect(spec(platform!.entity)).toMatchObject({ parent: 'acme', members: ['alice'] });
    expect((platform!.entity as any).metadata.description).toBe('Runs the platform');
    expect((platform!.entity as any).metadata.annotations['127.0.0.1/team-path']).toBe('acme/platform');
    expect((alice!.entity as any).metadata.annotations['127.0.0.1/user-login']).toBe(`${fake.url}/alice`);
    expect(spec(sre!.entity)).toMatchObject({ parent: 'acme-platform', members: ['alice', 'bob'] });
    expect(spec(alice!.entity).profile).toMatchObject({ displayName: 'Alice Nguyen', email: 'alice@acme.example' });
    // Without an administrator's token, a private e-mail stays private.
    expect(spec(bob!.entity).profile.email).toBeUndefined();
    expect(alice!.fileUrl).toBe(`${fake.url}/alice`);
  });

  it('reads private e-mail with an administrator’s token; an unchanged org changes nothing', async () => {
    const admin = createGitlabClient({ url: fake.url, token: 'admin-token', logger: silentLogger(), sleep: async () => {} });
    const report = await gitlabSyncService(database.db, fake, ['gitlab-org:acme'], admin).syncSource('gitlab-org:acme');
    expect(report.updated).toBe(1);
    const bob = (await rows('gitlab-org:acme')).find((r) => r.ref === 'user:default/bob')!;
    expect(spec(bob.entity).profile.email).toBe('bob@acme.example');
    expect((await gitlabSyncService(database.db, fake, ['gitlab-org:acme'], admin).syncSource('gitlab-org:acme')).status).toBe('unchanged');
  });

  it('removes a member who left, but nobody when the read fails part-way', async () => {
    const sre = model.groupByPath('acme/platform/sre')!;
    model.members.set(sre.id, model.members.get(sre.id)!.filter((m) => m.userId !== model.users.find((u) => u.username === 'bob')!.id));
    fake.rateLimit(20, 0);
    const failed = await gitlabSyncService(database.db, fake, ['gitlab-org:acme'], fakeGitlabClient(fake, { maxRetries: 1 })).syncSource('gitlab-org:acme');
    expect(failed.status).toBe('failed');
    expect((await rows('gitlab-org:acme')).map((r) => r.ref)).toContain('user:default/bob');
    fake.rateLimit(0, 0);
    const run = await gitlabSyncService(database.db, fake, ['gitlab-org:acme']).syncSource('gitlab-org:acme');
    expect(run.removed).toBe(1);
    expect((await rows('gitlab-org:acme')).map((r) => r.ref)).not.toContain('user:default/bob');
  });

  it('honours the per-source kinds rule', async () => {
    expect(parseSourceItem('gitlab-org:acme').rule.allows('Component')).toBe(false);
    expect(parseSourceItem('gitlab-org:acme').rule.allows('User')).toBe(true);
    expect(() => parseSourceItem('gitlab-org:ac me')).toThrow(/not a GitLab org source/);
    model.addMember('globex/eng', model.users.find((u) => u.username === 'alice')!);
    const report = await gitlabSyncService(database.db, fake, ['gitlab-org:globex?kinds=Group']).syncSource('gitlab-org:globex');
    expect(report.status).toBe('synced');
    expect((await rows('gitlab-org:globex')).map((r) => r.ref)).toEqual(['group:default/globex', 'group:default/globex-eng']);
    expect(report.problems.some((p) => /user:default\/alice/i.test(`${p.entityRef ?? ''} ${p.message}`))).toBe(true);
  });
});
