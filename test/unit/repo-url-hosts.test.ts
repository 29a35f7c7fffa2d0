/**
 * RepoUrlPicker without `allowedHosts` offers the hosts Callsheet can publish to (GitHub, and the
 * configured GitLab), and Slack's and Teams' placeholders name the hosts instead of a fixed github.com.
 */
import { describe, expect, it } from 'vitest';
import { elementOf } from '../../adapters/slack/form-elements.js';
import { promptForm, type PromptIo } from '../../adapters/shell/create-prompts.js';
import { renderFormCard } from '../../adapters/teams/render-form-card.js';
import type { Form, RepoUrlField } from '../../src/reply/form.js';
import { formOf } from '../../src/scaffolder/service.js';
import type { TemplateRecord } from '../../src/scaffolder/templates.js';

const picker = (options: Record<string, unknown>) => ({ type: 'string', title: 'Repository', 'ui:field': 'RepoUrlPicker', 'ui:options': options });
const template = (options: Record<string, unknown>) =>
  ({ ref: 'template:default/svc', name: 'svc', title: 'Service', entity: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'svc' }, spec: { parameters: [{ properties: { repoUrl: picker(options) }, required: ['repoUrl'] }] } } }) as unknown as TemplateRecord;
const fieldOf = (form: Form) => form.pages[0]!.fields[0] as RepoUrlField;
const HOSTS = ['github.com', 'gitlab.example.com'];

describe('RepoUrlPicker hosts', () => {
  it('offers the configured code hosts when the template allows any host, never overriding allowedHosts', () => {
    expect(fieldOf(formOf(template({}), HOSTS)).offeredHosts).toEqual(HOSTS);
    expect(fieldOf(formOf(template({ allowedHosts: ['github.com'] }), HOSTS))).toMatchObject({ allowedHosts: ['github.com'] });
    expect(fieldOf(formOf(template({ allowedHosts: ['github.com'] }), HOSTS)).offeredHosts).toBeUndefined();
    expect(fieldOf(formOf(template({}))).offeredHosts).toBeUndefined();
  });

  it('Slack and Teams placeholders name the hosts', () => {
    const offered = formOf(template({}), HOSTS);
    const slack = elementOf(fieldOf(offered), undefined) as { element?: { placeholder?: { text: string } }; placeholder?: { text: string } };
    expect(JSON.stringify(slack)).toContain('github.com/owner/repository or gitlab.example.com/owner/repository');
    const allowed = formOf(template({ allowedHosts: ['gitlab.example.com'] }), HOSTS);
    expect(JSON.stringify(elementOf(fieldOf(allowed), undefined))).toContain('"gitlab.example.com/owner/repository"');
    const card = JSON.stringify(renderFormCard({ form: offered, state: { template: 'template:default/svc', page: 0, values: {} }, dialogId: 'd' }));
    expect(card).toContain('github.com/owner/repository or gitlab.example.com/owner/repository');
    const onlyGitlab = JSON.stringify(renderFormCard({ form: allowed, state: { template: 'template:default/svc', page: 0, values: {} }, dialogId: 'd' }));
    expect(onlyGitlab).toContain('gitlab.example.com/owner/repository');
    expect(onlyGitlab).not.toContain('github.com');
  });

  it('the shell prompt names the offered hosts', async () => {
    const shown: string[] = [];
    const io: PromptIo = { say: (t) => void shown.push(t), ask: async (q) => (shown.push(q), 'gitlab.example.com/acme/svc') };
    await promptForm(formOf(template({}), HOSTS), io);
    expect(shown.join('\n')).toContain('host: github.com or gitlab.example.com');
  });
});
