import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInShell } from '../../adapters/shell/create-flow.js';
import { startShell } from '../../adapters/shell/shell.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { scaffolderTasks } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import type { Requester } from '../../src/reply/requester.js';
import { builtinActions } from '../../src/scaffolder/actions/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { realRegistrar } from '../helpers/registrar.js';
import { addPeople, addShippedTemplates, addSource, recordOf, templateEntity } from '../helpers/scaffolder.js';

const ada: Requester = { platform: 'shell', userRef: 'user:default/ada' };
let database: TestDatabase;
let db: Db;
let work: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  work = await mkdtemp(join(tmpdir(), 'callsheet-shell-create-'));
  await addPeople(db);
  await addShippedTemplates(db);
  const secretTemplate = templateEntity('with-secret', {
    parameters: [{ title: 'Secrets', required: ['token', 'pin'], properties: { token: { type: 'string', title: 'Token', 'ui:field': 'Secret' }, pin: { type: 'string', title: 'PIN', 'ui:widget': 'password' } } }],
    steps: [{ id: 'log', action: 'debug:log', input: { message: 'hello' } }],
  });
  await addSource(db, 'secret-templates', work, true, [await recordOf(secretTemplate, 'with-secret/template.yaml')]);
});

afterAll(async () => {
  await database?.close();
  await rm(work, { recursive: true, force: true });
});

/** A shell on a terminal (readline echoes what is typed, as in a real one). */
function terminalShell() {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const runner = { actions: builtinActions({ registrar: realRegistrar(db, work), publishGit: { reposDir: join(work, 'repos') } }), clock: systemClock, logger: silentLogger(), workDir: join(work, 'tasks') };
  const shell = startShell({ input, output, prompt: 'cs> ', run: (line, io) => createInShell({ db, clock: systemClock, runner, wake: () => {} }, line.replace(/^create\s+/, ''), ada, io) });
  const until = async (text: string) => {
    for (let i = 0; i < 1000 && !printed.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    if (!printed.includes(text)) throw new Error(`never printed ${text}; got:\n${printed}`);
  };
  return { input, shell, until, output: () => printed };
}

describe('create in the shell', () => {
  it('does not echo password fields (ui:field: Secret, ui:widget: password), though a terminal echoes other answers', async () => {
    const h = terminalShell();
    h.input.write('create with-secret\r');
    await h.until('Token: ');
    h.input.write('tok-very-secret-1\r');
    await h.until('PIN: ');
    h.input.write('pin-very-secret-2\r');
    await h.until('Creating from with-secret');
    expect(h.output()).toContain('create with-secret');
    expect(h.output()).not.toContain('tok-very-secret-1');
    expect(h.output()).not.toContain('pin-very-secret-2');
    h.input.write('quit\r');
    await h.shell.closed;
  });

  it('create <template> --dry-run asks the questions, then shows steps and files and publishes nothing', async () => {
    const before = (await db.select().from(scaffolderTasks)).length;
    const h = terminalShell();
    h.input.write('create typescript-service --dry-run\r');
    await h.until('Name: ');
    h.input.write('shell-dry\r');
    await h.until('Description (optional)');
    h.input.write('\r');
    await h.until('Owner: ');
    h.input.write('group:default/team-a\r');
    await h.until('System (optional)');
    for (let i = 0; i < 4; i++) h.input.write('\r');
    await h.until('— dry run');
    expect(h.output()).toContain('catalog-info.yaml');
    expect(h.output()).toContain('name: "shell-dry"');
    expect(h.output()).toMatch(/does not support dry run/);
    expect((await db.select().from(scaffolderTasks)).length).toBe(before);
    h.input.write('quit\r');
    await h.shell.closed;
  });
});
