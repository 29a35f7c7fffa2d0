/**
 * Problem notifications in Teams: a real sync of a folder breaks a file, the notifier posts one card
 * into the owning team's channel (the team the bot was installed in) through the fake Bot Framework
 * connector, and a "Fixed:" card when the file is repaired; more syncs tell no one again.
 */
import { describe, expect, it } from 'vitest';
import { teamsFeatures, type TeamsFeatures } from '../../adapters/teams/features.js';
import { fixedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { notifyProblems } from '../../src/nudges/problem-notify.js';
import { createSyncService } from '../../src/sync/service.js';
import { component, syncConfig, tempDir, writeFiles } from '../helpers/sync-fixtures.js';
import { cardText, cardsIn, expectValidCard } from '../helpers/teams.js';
import { useTeamsBed } from '../helpers/teams-bed.js';

const TEAM = '19:team@thread.tacv2';
const CHANNEL = '19:payments@thread.tacv2';
const EDIT = 'https://github.example/acme/pay/edit/main/svc.yaml';
const GROUP = `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments\n  annotations: { teams.microsoft.com/channel-id: "${CHANNEL}" }\nspec: { type: team, children: [] }\n`;
const GOOD = component('pay-api', 'payments').replace('  name: pay-api\n', `  name: pay-api\n  annotations: { backstage.io/edit-url: ${EDIT} }\n`);
const BROKEN = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: pay-api\n  bad: [unclosed\n';

describe('problem notifications in Teams', () => {
  let features: TeamsFeatures;
  const bed = useTeamsBed({
    setup: async (b) => {
      features = teamsFeatures({ db: b.database.db, logger: silentLogger(), clock: fixedClock(new Date()), adapter: b.bot.adapter });
      await b.installInTeam(TEAM);
    },
  });

  it('posts one card to the owners channel with file, line, message and edit link, then "Fixed:"', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'team.yaml': GROUP, 'svc.yaml': GOOD });
    const sync = createSyncService({ db: bed.database.db, config: syncConfig({ DATA_DIR: '/nonexistent', CATALOG_SOURCES: [dir] }), logger: silentLogger(), clock: fixedClock('2026-02-01T00:00:00Z') });
    await sync.syncAll();
    const notify = () => notifyProblems({ db: bed.database.db, logger: silentLogger(), senders: [features.digestSender], me: 'a', fallback: { platform: 'teams', target: '19:fallback@thread.tacv2' } });
    const toChannel = () => bed.connector.sent.filter((s) => s.conversationId.startsWith(CHANNEL));
    await notify();
    expect(toChannel()).toHaveLength(0);

    await writeFiles(dir, { 'svc.yaml': BROKEN });
    await sync.syncAll();
    expect(await notify()).toEqual({ sent: 1, failed: 0 });
    expect(toChannel()).toHaveLength(1);
    const [card] = cardsIn(toChannel()[0]!.activity);
    expectValidCard(card);
    const text = `${cardText(card)} ${JSON.stringify(card)}`;
    expect(text).toMatch(/Catalog problem in svc\.yaml:\d+/);
    expect(text).toMatch(/YAML error/);
    expect(text).toContain(EDIT);

    await sync.syncAll();
    await notify();
    expect(toChannel()).toHaveLength(1);

    await writeFiles(dir, { 'svc.yaml': GOOD });
    await sync.syncAll();
    await notify();
    expect(toChannel()).toHaveLength(2);
    expect(cardText(cardsIn(toChannel()[1]!.activity)[0])).toMatch(/Fixed: catalog problem in svc\.yaml/);
    expect(bed.connector.sent.some((s) => s.conversationId.startsWith('19:fallback'))).toBe(false);
  });
});
