/**
 * `npm run bench:templates`: every public conformance template (backstage/software-templates and
 * create-app's) run unchanged from the shell wizard against the fake GitHub (and the fake GitLab for
 * gitlab-merge-request; rails-demo runs the local `rails`), as a person would answer it; prints
 * template, steps and result. A template needing an action this host lacks shows the refusal its form
 * gives, with the reason. Uses TEST_DATABASE_URL's Postgres when set, else PGlite.
 */
import { eq } from 'drizzle-orm';
import { createInShell } from '../adapters/shell/create-flow.js';
import { systemClock } from '../src/clock.js';
import { scaffolderTasks } from '../src/db/schema.js';
import type { StepRecord } from '../src/scaffolder/tasks.js';
import { formOf } from '../src/scaffolder/service.js';
import { loadTemplate } from '../src/scaffolder/templates.js';
import { scriptedIo } from '../test/helpers/conformance-answers.js';
import { conformanceTemplates, startConformanceBed } from '../test/helpers/conformance-bed.js';

const bed = await startConformanceBed({ notifier: { progress: async () => {}, finished: async () => {} } });
const rows: { template: string; steps: string; result: string; ms: number }[] = [];
try {
  for (const t of await conformanceTemplates()) {
    const db = bed.database.db;
    const record = (await loadTemplate(db, `template:default/${t.name}`))!;
    const steps = Array.isArray(record.entity.spec?.steps) ? (record.entity.spec!.steps as unknown[]).length : 0;
    const started = performance.now();
    const reply = await createInShell({ db, clock: systemClock, wake: () => {} }, t.name, { platform: 'shell', userRef: 'user:default/guest' }, scriptedIo(formOf(record), t.name, []));
    if (reply.isError) {
      const why = /action (\S+) \(step [^)]*\) is not available(?:: ([^;]*?))?(?:\.|;| Nothing)/.exec(reply.summary);
      rows.push({ template: t.name, steps: `0/${steps}`, result: why ? `refused: ${why[1]} not available${why[2] ? ` (${why[2]})` : ''}` : `refused: ${reply.summary}`, ms: performance.now() - started });
      continue;
    }
    await bed.worker.runOnce();
    const [task] = await db.select().from(scaffolderTasks).where(eq(scaffolderTasks.templateRef, record.ref));
    const done = (task.steps as StepRecord[]).filter((s) => s.status === 'completed' || s.status === 'skipped').length;
    rows.push({ template: t.name, steps: `${done}/${steps}`, result: task.status === 'completed' ? 'completed' : `failed: ${task.error}`, ms: performance.now() - started });
  }
} finally {
  await bed.close();
}
const width = Math.max(...rows.map((r) => r.template.length), 8);
console.log(`${'template'.padEnd(width)}  steps  ${'ms'.padStart(6)}  result`);
for (const r of rows) console.log(`${r.template.padEnd(width)}  ${r.steps.padEnd(5)}  ${r.ms.toFixed(0).padStart(6)}  ${r.result}`);
const completed = rows.filter((r) => r.result === 'completed').length;
const refused = rows.filter((r) => r.result.startsWith('refused')).length;
console.log(`\n${completed}/${rows.length} completed, ${refused} refused before the form, ${rows.length - completed - refused} failed`);
