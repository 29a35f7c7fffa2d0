import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLine } from '../../src/commands/run.js';
import { watches } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { notifyProblems } from '../../src/nudges/problem-notify.js';
import { createSyncService } from '../../src/sync/service.js';
import { fixedClock } from '../../src/clock.js';
import { commandContext } from '../helpers/command-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { RecordingPlatform, recordingSender } from '../helpers/nudge-recording-sender.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';

describe('watch, unwatch, watching', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('stores what a chat user watches, lists it, stops it, and DMs them when the entity breaks', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'svc.yaml': component('pay-api', 'payments') });
    const sync = createSyncService({ db: database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();
    const ctx = commandContext(database.db, { requester: { platform: 'slack', externalId: 'U-ANN', userRef: 'user:default/ann' } });

    expect((await runLine('watch', ctx)).summary).toMatch(/usage|missing/i);
    expect((await runLine('watch no-such-thing-here', ctx)).summary).not.toMatch(/^Watching/);
    expect((await runLine('watch pay-api', ctx)).summary).toBe('Watching component:default/pay-api');
    expect(await database.db.select().from(watches)).toMatchObject([{ watcher: 'user:default/ann', platform: 'slack', chatId: 'U-ANN', targetRef: 'component:default/pay-api' }]);
    expect((await runLine('watching', ctx)).summary).toBe('You watch 1');
    // A shell user has no chat id to DM.
    expect((await runLine('watch pay-api', commandContext(database.db, { requester: { platform: 'shell' as never, externalId: undefined } }))).summary).toMatch(/chat user/);

    await writeFiles(dir, { 'svc.yaml': 'kind: Component\nmetadata: [oops\n' });
    await sync.syncAll();
    const platform = new RecordingPlatform();
    await notifyProblems({ db: database.db, logger: silentLogger(), senders: [recordingSender(platform)], me: 'a' });
    expect(platform.posts.filter((p) => p.channel === 'U-ANN').length).toBeGreaterThan(0);

    expect((await runLine('unwatch pay-api', ctx)).summary).toBe('No longer watching component:default/pay-api');
    expect((await runLine('watching', ctx)).summary).toBe('You watch nothing yet');
    expect((await runLine('unwatch pay-api', ctx)).summary).toMatch(/not watching/);
  });
});
