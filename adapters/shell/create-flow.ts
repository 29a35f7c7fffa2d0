/**
 * `create <template>` in the shell: the template's form asked as prompts on the same input, then a
 * task the worker runs; its progress is printed by the shell notifier as steps finish. With
 * `--dry-run` the same questions lead to a dry run instead: steps, files and catalog-info.yaml shown,
 * nothing published.
 */
import type { Db } from '../../src/db/client.js';
import type { Clock } from '../../src/clock.js';
import { errorReply, type Reply } from '../../src/reply/reply.js';
import type { Requester } from '../../src/commands/types.js';
import { entityOptions } from '../../src/scaffolder/entity-options.js';
import { openForm, submitTask } from '../../src/scaffolder/service.js';
import { dryRunReply } from '../../src/scaffolder/dry-run-reply.js';
import { previewTask } from '../../src/scaffolder/preview.js';
import type { RunnerDeps } from '../../src/scaffolder/runner.js';
import { promptForm } from './create-prompts.js';
import type { ShellIo } from './shell.js';

export interface ShellCreateDeps {
  db: Db;
  clock: Clock;
  /** What a dry run (`create <template> --dry-run`) runs steps with. */
  runner?: RunnerDeps;
  /** Tells the worker there is work (so the task starts now, not at the next poll). */
  wake: () => void;
}

const DRY_RUN = /(^|\s)--dry-run(?=\s|$)/;

export async function createInShell(deps: ShellCreateDeps, args: string, requester: Requester, io: ShellIo): Promise<Reply> {
  const dryRun = DRY_RUN.test(args);
  const wanted = args.replace(DRY_RUN, ' ').trim();
  if (dryRun && !deps.runner) return errorReply('Dry runs are not available here.');
  const opened = await openForm(deps.db, wanted, requester, deps.runner?.codeHosts);
  if (!opened.ok) {
    const hint = opened.suggestions?.length ? ` Did you mean: ${opened.suggestions.map((t) => t.name).join(', ')}?` : '';
    return errorReply(`${opened.message}${hint}`);
  }
  const { template, form } = opened;
  io.say(`${template.title}: answer each question (Enter keeps the default shown in brackets).`);
  let values;
  try {
    values = await promptForm(form, { ask: (q) => io.ask(q), ...(io.askSecret ? { askSecret: (q: string) => io.askSecret!(q) } : {}), say: (t) => io.say(t) }, {
      entityOptions: (field, search) => entityOptions(deps.db, field, requester, { search }),
    });
  } catch (error) {
    return errorReply(`Create cancelled: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (dryRun) {
    const previewed = await previewTask({ db: deps.db, clock: deps.clock, runner: deps.runner! }, { templateRef: template.ref, requester, values });
    if (!previewed.ok) return errorReply(`The values were not accepted: ${previewed.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}`);
    return dryRunReply(template.title, previewed.result);
  }
  const submitted = await submitTask(deps.db, deps.clock, { templateRef: template.ref, requester, values, replyTo: { platform: 'shell' } });
  if (!submitted.ok) {
    return errorReply(`The values were not accepted: ${submitted.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}`);
  }
  deps.wake();
  return {
    summary: `Creating from ${template.title} (task ${submitted.task.id})`,
    sections: [{ text: [`Creating from ${template.title}. Task `, { type: 'code', text: submitted.task.id }, ' is running; progress follows below.'] }],
  };
}
