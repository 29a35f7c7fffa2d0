/**
 * Watchers hear once when a watched entity's owner, lifecycle or system changes or it is deleted:
 * real syncs of a git repository in a temp folder, the real Slack digest sender talking to the fake
 * Slack (which keeps each DM channel's history), two replicas notifying at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFeatures } from '../../adapters/slack/features.js';
import { fixedClock } from '../../src/clock.js';
import { runLine } from '../../src/commands/run.js';
import { silentLogger } from '../../src/logger.js';
import { notifyWatchChanges } from '../../src/nudges/watch-notify.js';
import { createSyncService } from '../../src/sync/service.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { GitRepo, component, syncConfig, tempDir } from '../helpers/sync-fixtures.js';

const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec: { type: team, children: [] }\n`;
const TOKEN = 'xoxb-watch';

describe('watch: DMs when a watched entity changes or is deleted', () => {
  let database: TestDatabase;
  let fake: FakeSlack;
  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeSlack({ token: TOKEN });
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });

  it('tells each watcher once per change across two replicas, not again on the next sync, and when it is deleted', async () => {
    const repo = await GitRepo.create();
    await repo.commit({ 'teams.yaml': `${group('payments')}---\n${group('ledger')}`, 'svc.yaml': component('pay-api', 'payments'), 'other.yaml': component('quiet-api', 'ledger') }, 'first');
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: await tempDir(), CATALOG_SOURCES: [repo.url] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();

    // Ann watches the entity; Bob watches the team that owns it (and hears about what it owns).
    const ann = commandContext(database.db, { requester: { platform: 'slack', externalId: 'U0ANN', userRef: 'user:default/ann' } });
    const bob = commandContext(database.db, { requester: { platform: 'slack', externalId: 'U0BOB', userRef: 'user:default/bob' } });
    expect((await runLine('watch pay-api', ann)).summary).toBe('Watching component:default/pay-api');
    expect((await runLine('watch group:payments', bob)).summary).toBe('Watching group:default/payments');

    const sender = slackFeatures({ db: database.db, logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z'), config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl } }).digestSender;
    const replica = (me: string) => notifyWatchChanges({ db: database.db, logger: silentLogger(), senders: [sender], me });
    const dms = (user: string) => fake.messages(`D${user}`);

    // Watching starts from what is there now: nothing to tell.
    expect(await replica('a')).toEqual({ sent: 0, failed: 0 });
    expect(dms('U0ANN')).toHaveLength(0);

    // The owner changes (and the lifecycle): one DM each, whichever replica sends it.
    await repo.commit({ 'svc.yaml': component('pay-api', 'ledger').replace('lifecycle: production', 'lifecycle: deprecated') }, 'hand over');
    await sync.syncAll();
    const results = await Promise.all([replica('a'), replica('b')]);
    expect(results[0]!.sent + results[1]!.sent).toBe(1);
    expect(dms('U0ANN')).toHaveLength(1);
    const text = JSON.stringify(dms('U0ANN')[0]);
    expect(text).toContain('component:default/pay-api');
    expect(text).toMatch(/owner/i);
    expect(text).toContain('group:default/payments');
    expect(text).toContain('group:default/ledger');
    expect(text).toContain('deprecated');
    // Bob watches the old owner: he hears too, once.
    expect(dms('U0BOB')).toHaveLength(1);

    // The next sync changes nothing: nobody hears again.
    await repo.commit({ 'README.md': 'docs\n' }, 'unrelated');
    await sync.syncAll();
    await Promise.all([replica('a'), replica('b')]);
    expect(dms('U0ANN')).toHaveLength(1);
    expect(dms('U0BOB')).toHaveLength(1);

    // A change to an entity nobody watches (directly or through its owner) tells no one.
    await repo.commit({ 'other.yaml': component('quiet-api', 'payments').replace('lifecycle: production', 'lifecycle: experimental').replace('owner: payments', 'owner: ledger') }, 'quiet');
    await sync.syncAll();
    await replica('a');
    expect(dms('U0ANN')).toHaveLength(1);

    // Deleted: one DM.
    repo.remove('svc.yaml', 'retire pay-api');
    await sync.syncAll();
    await Promise.all([replica('a'), replica('b')]);
    expect(dms('U0ANN')).toHaveLength(2);
    expect(JSON.stringify(dms('U0ANN')[1])).toMatch(/deleted/);
    await sync.syncAll();
    await replica('b');
    expect(dms('U0ANN')).toHaveLength(2);
  });
});
