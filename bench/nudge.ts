/**
 * `npm run bench:nudge`: a 50,000-entity catalog with 1,000 teams.
 *  1. time to load the snapshot and compute every finding (target: under 5 s);
 *  2. the delivery schedule's length under the rate limits on a simulated clock, into a fake that
 *     answers 429 to a second message within a second in the same channel (target: 1,000 channels in
 *     under 4 minutes, zero 429s).
 * With DATABASE_URL it works in a fresh database created next to it (and dropped after), never in
 * the named one; else PGlite in memory.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { entities, relations } from '../src/db/schema.js';
import { buildDigest, digestToReply } from '../src/nudges/digest.js';
import { evaluate } from '../src/nudges/evaluate.js';
import { loadSnapshot } from '../src/nudges/load-snapshot.js';
import { createPacer } from '../src/nudges/pacer.js';
import { RateLimitedError, type Route } from '../src/nudges/ports.js';

const TEAMS = 1000;
const ENTITIES = 50_000;
const now = new Date('2026-06-01T09:00:00Z');

async function main() {
  const admin = process.env.DATABASE_URL ? postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} }) : undefined;
  const benchName = `callsheet_bench_${Date.now().toString(36)}`;
  let url: string | undefined;
  if (admin) {
    await admin.unsafe(`create database "${benchName}"`);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${benchName}`;
    url = u.toString();
  }
  const database = await openDatabase({ url, dataDir: 'memory://' });
  await database.migrate();
  const { db } = database;

  const rows: Array<typeof entities.$inferInsert> = [];
  const rels: Array<typeof relations.$inferInsert> = [];
  const base = { uid: '', namespace: 'default', tags: [], sourceId: 'bench', contentHash: 'x', lastChangedAt: now, firstSeenAt: now };
  for (let t = 0; t < TEAMS; t++) {
    const ref = `group:default/team-${t}`;
    rows.push({ ...base, uid: randomUUID(), ref, kind: 'group', name: `team-${t}`, filePath: `teams/${t}.yaml`, entity: { metadata: { name: `team-${t}`, annotations: { 'slack.com/channel-id': `C${t}` } } } });
    const user = `user:default/user-${t}`;
    rows.push({ ...base, uid: randomUUID(), ref: user, kind: 'user', name: `user-${t}`, filePath: `teams/${t}.yaml`, entity: { metadata: { name: `user-${t}` } } });
    rels.push({ originRef: user, sourceRef: ref, type: 'hasMember', targetRef: user }, { originRef: user, sourceRef: user, type: 'memberOf', targetRef: ref });
  }
  const components = ENTITIES - rows.length;
  for (let i = 0; i < components; i++) {
    const ref = `component:default/svc-${i}`;
    const owner = `group:default/team-${i % TEAMS}`;
    const old = i % 7 === 0;
    rows.push({
      ...base,
      uid: randomUUID(),
      ref,
      kind: 'component',
      name: `svc-${i}`,
      description: i % 5 === 0 ? null : 'a service',
      ownerRef: owner,
      lifecycle: i % 50 === 0 ? 'deprecated' : 'production',
      systemRef: i % 3 === 0 ? null : 'system:default/core',
      filePath: `svc-${i}/catalog-info.yaml`,
      fileCommittedAt: old ? new Date(now.getTime() - 400 * 86_400_000) : now,
      entity: { metadata: { name: `svc-${i}`, annotations: i % 4 === 0 ? {} : { 'backstage.io/techdocs-ref': 'dir:.' } } },
    });
    rels.push({ originRef: ref, sourceRef: ref, type: 'ownedBy', targetRef: owner }, { originRef: ref, sourceRef: owner, type: 'ownerOf', targetRef: ref });
    if (i > 0 && i % 50 === 0) {
      const dependent = `component:default/svc-${i - 1}`;
      rels.push({ originRef: dependent, sourceRef: dependent, type: 'dependsOn', targetRef: ref }, { originRef: dependent, sourceRef: ref, type: 'dependencyOf', targetRef: dependent });
    }
  }
  const seedStart = performance.now();
  for (let i = 0; i < rows.length; i += 1000) await db.insert(entities).values(rows.slice(i, i + 1000));
  for (let i = 0; i < rels.length; i += 2000) await db.insert(relations).values(rels.slice(i, i + 2000));
  console.log(`seeded ${rows.length} entities, ${rels.length} relations, ${TEAMS} teams in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${database.kind})`);

  const start = performance.now();
  const snapshot = await loadSnapshot(db, now);
  const loaded = performance.now();
  const { teams } = evaluate(snapshot, { now, staleAfterDays: 180 });
  const evaluated = performance.now();
  const digests = [...teams.values()].map((r) => buildDigest(r, undefined)).filter((d) => d !== null);
  const built = performance.now();
  const findings = [...teams.values()].reduce((n, t) => n + t.findings.length, 0);
  console.log(`findings: ${findings} over ${teams.size} teams`);
  console.log(`  load ${(loaded - start).toFixed(0)} ms + rules ${(evaluated - loaded).toFixed(0)} ms + digests ${(built - evaluated).toFixed(0)} ms = ${((built - start) / 1000).toFixed(2)} s (target < 5 s)`);

  // Delivery schedule on a simulated clock, through the same pacer a run uses.
  let t = 0;
  const lastInChannel = new Map<string, number>();
  let rateLimited = 0;
  const pacer = createPacer({ now: () => t, sleep: async (ms) => void (t += ms), onRateLimited: () => rateLimited++ });
  for (const digest of digests) {
    const channel = `C${digest.teamRef.slice('group:default/team-'.length)}`;
    const route: Route = { platform: 'slack', kind: 'channel', target: channel, reason: 'bench' };
    const reply = digestToReply(digest);
    await pacer.send(route.platform, route.target, async () => {
      const last = lastInChannel.get(channel);
      if (last !== undefined && t - last < 1000) throw new RateLimitedError(1000 - (t - last));
      lastInChannel.set(channel, t);
      return reply;
    });
  }
  console.log(`delivery: ${digests.length} digests to ${lastInChannel.size} channels in ${(t / 1000).toFixed(1)} s simulated (${(t / 60000).toFixed(2)} min; target < 4 min), 429s: ${rateLimited}`);
  await database.close();
  if (admin) {
    await admin.unsafe(`drop database if exists "${benchName}" with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
