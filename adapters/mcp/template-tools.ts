/**
 * The scaffolder as MCP tools: list the templates this caller may run, describe one (its parameters
 * as JSON Schema), dry-run it (nothing published, no task), and create from it. The checks are the
 * scaffolder's own (which templates a User may run is trust's decision, values are validated against
 * the template's form), so an agent can do exactly what its token's User can do in chat, and
 * `create` needs a token with the `write` scope on top.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { FieldError } from '../../src/reply/form.js';
import { dryRunReply } from '../../src/scaffolder/dry-run-reply.js';
import { refusalOf } from '../../src/scaffolder/preflight.js';
import { previewTask } from '../../src/scaffolder/preview.js';
import { stepsOf } from '../../src/scaffolder/runner.js';
import { auditableValues, formOf, submitTask } from '../../src/scaffolder/service.js';
import { taskReply } from '../../src/scaffolder/task-reply.js';
import { getTask, type TaskRecord } from '../../src/scaffolder/tasks.js';
import { findTemplate, runnableTemplates, type TemplateRecord } from '../../src/scaffolder/templates.js';
import type { Audited, Handled } from './audit.js';
import type { McpCaller, McpDeps } from './deps.js';
import { errorResult, replyResult } from './results.js';
import { parametersSchema } from './template-schema.js';

const templateInput = z.string().min(1).max(300).describe('Template name, title or ref, e.g. typescript-service');
const valuesInput = z.record(z.string(), z.unknown()).describe("The template's parameters, as describe_template's JSON Schema says");

const fieldLines = (errors: FieldError[]) => errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('\n');

/** The template this caller may run, or the tool error saying why not (not permitted, unknown with near names). */
async function runnable(deps: McpDeps, caller: McpCaller, wanted: string): Promise<{ ok: true; template: TemplateRecord } | { ok: false; handled: Handled }> {
  const found = await findTemplate(deps.db, wanted, caller.requester);
  if (found.status === 'ok') return { ok: true, template: found.template };
  if (found.status === 'refused') return { ok: false, handled: { result: errorResult(`Not permitted: ${found.message}`, { refused: true }), target: found.template.ref, outcome: 'refused' } };
  const names = found.suggestions.map((t) => t.name);
  return { ok: false, handled: { result: errorResult(`No template called "${wanted}".${names.length ? ` Did you mean: ${names.join(', ')}?` : ''} list_templates shows the ones you may run.`, { candidates: names }), target: wanted, outcome: 'error' } };
}

function describe(template: TemplateRecord) {
  const refusal = refusalOf(template);
  return {
    ref: template.ref,
    name: template.name,
    title: template.title,
    description: template.description ?? null,
    parameters: parametersSchema(template.entity.spec?.parameters),
    steps: stepsOf(template).map(({ id, name, action }) => ({ id, name, action })),
    runnable: !refusal,
    ...(refusal ? { reason: refusal } : {}),
  };
}

const taskData = (task: TaskRecord) => ({ task: task.id, status: task.status, steps: task.steps.map(({ id, name, action, status, error }) => ({ id, name, action, status, ...(error ? { error } : {}) })), outputs: task.outputs, error: task.error ?? null });

async function waitForTask(deps: McpDeps, id: string): Promise<TaskRecord | undefined> {
  const until = Date.now() + (deps.createWaitMs ?? 120_000);
  for (;;) {
    const task = await getTask(deps.db, id);
    if (!task || task.status === 'completed' || task.status === 'failed' || Date.now() >= until) return task;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function registerTemplateTools(server: McpServer, deps: McpDeps, caller: McpCaller, audited: Audited): void {
  server.registerTool('list_templates', { description: 'The scaffolder templates you may run (name, title, description).', inputSchema: {} }, audited('list_templates', async () => {
    const templates = (await runnableTemplates(deps.db, caller.requester)).map((t) => ({ ref: t.ref, name: t.name, title: t.title, description: t.description ?? null }));
    const text = templates.length ? templates.map((t) => `${t.name} — ${t.title}${t.description ? `: ${t.description}` : ''}`).join('\n') : 'No template you may run.';
    return { result: { content: [{ type: 'text', text }], structuredContent: { templates } } };
  }));

  server.registerTool('describe_template', { description: "A template's parameters as JSON Schema (what create needs), and its steps.", inputSchema: { template: templateInput } }, audited('describe_template', async ({ template }) => {
    const found = await runnable(deps, caller, template);
    if (!found.ok) return found.handled;
    const described = describe(found.template);
    const text = [`${described.title} (${described.ref})`, described.description ?? '', `Parameters (JSON Schema):\n${JSON.stringify(described.parameters, null, 2)}`, `Steps: ${described.steps.map((s) => `${s.name} (${s.action})`).join(', ')}`, described.reason ?? ''].filter(Boolean).join('\n');
    return { result: { content: [{ type: 'text', text }], structuredContent: described }, target: found.template.ref };
  }));

  server.registerTool('create_dry_run', {
    description: 'Dry-run a template with values: checks them and shows the files and steps a real run would make. Publishes nothing.',
    inputSchema: { template: templateInput, values: valuesInput },
  }, audited('create_dry_run', async ({ template, values }) => {
    const found = await runnable(deps, caller, template);
    if (!found.ok) return found.handled;
    const secrets = auditableValues(formOf(found.template), values).secrets;
    const previewed = await previewTask({ db: deps.db, clock: deps.clock, runner: deps.runner }, { templateRef: found.template.ref, requester: caller.requester, values });
    if (!previewed.ok) return { result: errorResult(`The values were not accepted:\n${fieldLines(previewed.errors)}`, { errors: previewed.errors }), target: found.template.ref, secrets };
    const r = previewed.result;
    const reply = dryRunReply(found.template.title, r);
    return { result: replyResult(reply, { status: r.status, steps: r.steps.map(({ id, name, action, status, log }) => ({ id, name, action, status, log })), skipped: r.skipped, files: r.files, outputs: r.outputs ?? null, error: r.error ?? null }), target: found.template.ref, reply, secrets };
  }));

  server.registerTool('create', {
    description: 'Create from a template (publishes a repository, registers it): the same as a person pressing Create. Needs a token with the write scope; try create_dry_run first.',
    inputSchema: { template: templateInput, values: valuesInput },
  }, audited('create', async ({ template, values }) => {
    if (!caller.scopes.includes('write')) {
      return { result: errorResult(`Not permitted: the token "${caller.name}" may only read; create needs the write scope (API_TOKEN_SCOPES=${caller.name}:read+write on the server).`, { refused: true }), target: template, outcome: 'refused' };
    }
    const found = await runnable(deps, caller, template);
    if (!found.ok) return found.handled;
    const secrets = auditableValues(formOf(found.template), values).secrets;
    const submitted = await submitTask(deps.db, deps.clock, { templateRef: found.template.ref, requester: caller.requester, values, replyTo: { platform: 'mcp' } });
    if (!submitted.ok) return { result: errorResult(`The values were not accepted:\n${fieldLines(submitted.errors)}`, { errors: submitted.errors }), target: found.template.ref, secrets };
    deps.wake();
    const task = (await waitForTask(deps, submitted.task.id)) ?? submitted.task;
    const reply = taskReply(task, found.template.title);
    const running = task.status === 'open' || task.status === 'processing';
    return { result: replyResult(reply, { ...taskData(task), ...(running ? { hint: 'Still running: ask task_status with this task id.' } : {}) }), target: found.template.ref, reply, secrets };
  }));

  server.registerTool('task_status', { description: 'Where a task you started with create is: its steps, outputs (repository, catalog entity) or error.', inputSchema: { task: z.string().min(1).max(100).describe('The task id create returned') } }, audited('task_status', async ({ task: id }) => {
    const task = await getTask(deps.db, id).catch(() => undefined);
    // Someone else's task is as unknown as a missing one: ids are not a way to read others' work.
    const mine = task && task.requester.platform === caller.requester.platform && task.requester.externalId === caller.requester.externalId;
    if (!task || !mine) return { result: errorResult(`No task ${id} of yours.`), target: id };
    const reply = taskReply(task);
    return { result: replyResult(reply, taskData(task)), target: id, reply };
  }));
}
