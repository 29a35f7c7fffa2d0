import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { watches } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { notifyProblems, type ProblemNotifierDeps } from '../../src/nudges/problem-notify.js';
import { createSyncService } from '../../src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

const TEAM = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations: { slack.com/channel-id: C-PAY }
spec: { type: team, children: [] }
`;
const EDIT = '  annotations: { backstage.io/edit-url: https://github.com/acme/pay/edit/main/svc.yaml }\n';

describe('owners told at once about catalog problems', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('tells the owners once per problem across two replicas, with file, line, message and edit link, then "fixed"', async () => {
    const dir = await tempDir();
    const good = component('pay-api', 'payments').replace('metadata:\n  name: pay-api\n', `metadata:\n  name: pay-api\n${EDIT}`);
    await writeFiles(dir, { 'team.yaml': TEAM, 'svc.yaml': good });
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();

    const platform = new RecordingPlatform();
    const replica = (me: string): ProblemNotifierDeps => ({ db: database.db, logger: silentLogger(), senders: [recordingSender(platform)], me, fallback: { platform: 'slack', target: 'C-FALLBACK' } });
    // A watcher of the entity hears too.
    await database.db.insert(watches).values({ watcher: 'user:default/ann', platform: 'slack', chatId: 'U-ANN', targetRef: 'component:default/pay-api' });

    expect(await notifyProblems(replica('a'))).toEqual({ sent: 0, failed: 0 });

    await writeFiles(dir, { 'svc.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: pay-api\n  bad: [unclosed\n' });
    const [report] = await sync.syncAll();
    expect(report!.problems.length).toBeGreaterThan(0);

    // Two replicas at once: each problem is sent by one of them only.
    const results = await Promise.all([notifyProblems(replica('a')), notifyProblems(replica('b'))]);
    expect(results[0]!.sent + results[1]!.sent).toBe(report!.problems.length);
    const toTeam = platform.posts.filter((p) => p.channel === 'C-PAY');
    expect(toTeam).toHaveLength(report!.problems.length);
    const text = JSON.stringify(toTeam[0]!.reply);
    expect(toTeam[0]!.reply.header).toMatch(/^Catalog problem in svc\.yaml(:\d+)?$/);
    expect(text).toContain(report!.problems[0]!.message.slice(0, 20));
    expect(text).toContain('https://github.com/acme/pay/edit/main/svc.yaml');
    expect(platform.posts.filter((p) => p.channel === 'U-ANN')).toHaveLength(report!.problems.length);
    expect(platform.posts.some((p) => p.channel === 'C-FALLBACK')).toBe(false);

    // The next syncs keep the problem: nobody is told again.
    await sync.syncAll();
    const before = platform.posts.length;
    await notifyProblems(replica('a'));
    await notifyProblems(replica('b'));
    expect(platform.posts.length).toBe(before);

    // Fixed: one follow-up each.
    await writeFiles(dir, { 'svc.yaml': good });
    await sync.syncAll();
    await Promise.all([notifyProblems(replica('a')), notifyProblems(replica('b'))]);
    const fixed = platform.posts.slice(before).filter((p) => p.channel === 'C-PAY');
    expect(fixed).toHaveLength(report!.problems.length);
    expect(fixed[0]!.reply.header).toMatch(/^Fixed: catalog problem in svc\.yaml/);
    await notifyProblems(replica('a'));
    expect(platform.posts.slice(before).filter((p) => p.channel === 'C-PAY')).toHaveLength(report!.problems.length);
  });

  it('sends a problem on a file that never held entities to the fallback channel', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'new.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: [x\n' });
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();
    const platform = new RecordingPlatform();
    await notifyProblems({ db: database.db, logger: silentLogger(), senders: [recordingSender(platform)], me: 'a', fallback: { platform: 'slack', target: 'C-FALLBACK' } });
    const posts = platform.posts.filter((p) => p.reply.header?.includes('new.yaml'));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => p.channel === 'C-FALLBACK')).toBe(true);
  });
});
