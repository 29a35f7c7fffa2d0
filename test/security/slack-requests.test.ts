/**
 * Issue 13, "Smaller holes" (Slack): a signed `ssl_check=1` request runs nothing, whatever it carries
 * beside it; a restricted template's field options (block_suggestion) load only for people allowed to
 * run it, and the refusal is in the audit log.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackFeatures, type SlackFeatures } from '../../adapters/slack/features.js';
import { ACTION } from '../../adapters/slack/render-reply.js';
import { FIELD_ACTION, FORM_PAGE } from '../../adapters/slack/render-form.js';
import { systemClock } from '../../src/clock.js';
import type { CommandContext } from '../../src/commands/types.js';
import { runLine } from '../../src/commands/run.js';
import { auditLog } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addShippedTemplates, addSource, recordOf } from '../helpers/scaffolder.js';
import { interact, optionsLoad } from '../helpers/slack-interactions.js';
import { buttonClick, startTestbed, TOKEN, type Testbed } from '../helpers/slack-testbed.js';

const people = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada', annotations: { 'slack.com/user-id': 'U0ADA' } }, spec: { memberOf: ['team-a'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'pat', annotations: { 'slack.com/user-id': 'U0PAT' } }, spec: { memberOf: ['platform'] } },
];

/** A create page of `template` as Slack would send it back in an options load. */
const pageOf = (template: string) => ({ callback_id: FORM_PAGE, private_metadata: JSON.stringify({ t: template, p: 0, vals: {} }), blocks: [] });

describe('Slack request holes', () => {
  let database: TestDatabase;
  let bed: Testbed;
  let features: SlackFeatures;
  const ran: Array<{ line: string; ctx: CommandContext }> = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    await addSource(db, './catalog', '/catalog', false, await Promise.all(people.map((d, i) => recordOf(d, `org-${i}.yaml`))));
    await addShippedTemplates(db, { 'typescript-service': { 'callsheet.io/allowed-groups': 'platform' } });
    bed = await startTestbed(db, (fake) => {
      features = slackFeatures({ db, logger: silentLogger(), clock: systemClock, config: { SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl } });
      return {
        runLine: (line, ctx) => {
          ran.push({ line, ctx });
          return runLine(line, ctx);
        },
        actions: features.actions,
        extensions: features.extensions,
      };
    });
    bed.fake.addUser({ id: 'U0ADA', name: 'Ada' });
    bed.fake.addUser({ id: 'U0PAT', name: 'Pat' });
  });
  afterAll(async () => {
    await bed?.close();
    await database?.close();
  });

  it('a signed ssl_check=1 with a payload answers 200 and runs nothing', async () => {
    const payload = buttonClick({ actionId: `${ACTION.run}:0`, value: 'help', responseUrl: bed.fake.responseUrl('ssl-1') });
    const before = { ran: ran.length, calls: bed.fake.calls.length };
    const body = new URLSearchParams({ ssl_check: '1', token: 'x', payload: JSON.stringify(payload) }).toString();
    const res = await bed.post(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    // The button would answer through response_url; give it the time a real click takes, then check nothing ran.
    const control = await bed.click(buttonClick({ actionId: `${ACTION.link}:0`, value: 'x' }));
    expect(control.status).toBe(200);
    expect(ran.length).toBe(before.ran);
    expect(bed.fake.calls.slice(before.calls).filter((c) => c.hook === 'ssl-1')).toHaveLength(0);
  });

  it('a restricted template\'s field options load for an allowed user only; a refusal is audited', async () => {
    const template = 'template:default/typescript-service';
    const allowed = await interact(bed, optionsLoad(pageOf(template), 'f:owner', FIELD_ACTION, 'team', { user: 'U0PAT' }));
    expect(allowed.status).toBe(200);
    expect(allowed.json.options.map((o: { value: string }) => o.value)).toContain('group:default/team-a');

    const refused = await interact(bed, optionsLoad(pageOf(template), 'f:owner', FIELD_ACTION, 'team', { user: 'U0ADA' }));
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ options: [] });
    // The audit row is written after the answer (options must reach Slack within its deadline): wait for it.
    await vi.waitFor(
      async () => {
        const rows = await database.db.select().from(auditLog).where(eq(auditLog.action, 'refusal'));
        expect(rows).toContainEqual(expect.objectContaining({ platform: 'slack', actor: 'U0ADA', actorRef: 'user:default/ada', target: template, outcome: 'refused' }));
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
