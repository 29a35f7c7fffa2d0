import { describe, expect, it } from 'vitest';
import { promptForm, type PromptIo } from '../../adapters/shell/create-prompts.js';
import { buildForm } from '../../src/scaffolder/form.js';
import { validateValues } from '../../src/scaffolder/validate-values.js';

function scripted(answers: string[]): PromptIo & { said: string[]; asked: string[] } {
  const said: string[] = [];
  const asked: string[] = [];
  return {
    said,
    asked,
    async ask(question) {
      asked.push(question);
      if (answers.length === 0) throw new Error(`no answer left for: ${question}`);
      return answers.shift()!;
    },
    say: (text) => void said.push(text),
  };
}

const form = buildForm({
  ref: 'template:default/svc',
  title: 'Service',
  parameters: [
    {
      title: 'About',
      required: ['name', 'owner'],
      properties: {
        name: { type: 'string', title: 'Name', 'ui:field': 'EntityNamePicker' },
        owner: { type: 'string', title: 'Owner', 'ui:field': 'OwnerPicker' },
        port: { type: 'integer', title: 'Port', default: 8080, minimum: 1024 },
      },
    },
    {
      title: 'Publish',
      properties: { publishTo: { type: 'string', title: 'Publish to', enum: ['callsheet', 'github'], default: 'callsheet' } },
      dependencies: {
        publishTo: {
          oneOf: [
            { properties: { publishTo: { enum: ['callsheet'] } } },
            { properties: { publishTo: { enum: ['github'] }, repoUrl: { type: 'string', title: 'Repo', 'ui:field': 'RepoUrlPicker', 'ui:options': { allowedHosts: ['github.com'] } } }, required: ['repoUrl'] },
          ],
        },
      },
    },
  ],
});

describe('promptForm', () => {
  it('asks every field, keeps defaults on Enter, re-asks invalid answers', async () => {
    const io = scripted(['Bad Name!', 'pay-api', '2', '80', '', '']);
    const values = await promptForm(form, io, { entityOptions: async () => [{ value: 'group:default/team-a', label: 'Team A' }, { value: 'group:default/team-b', label: 'Team B' }] });
    expect(values).toEqual({ name: 'pay-api', owner: 'group:default/team-b', port: 8080, publishTo: 'callsheet' });
    expect(io.said).toContain('  Name: must match the pattern ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$');
    expect(io.said).toContain('  Port: must be >= 1024');
    expect(io.asked.filter((q) => q.includes('Repo')).length).toBe(0);
    expect(validateValues(form, values)).toEqual([]);
  });

  it('asks conditional fields once their condition holds', async () => {
    const io = scripted(['pay-api', 'team-a', '', 'github', 'gitlab.com/acme/pay', 'github.com/acme/pay']);
    const values = await promptForm(form, io);
    expect(values).toMatchObject({ publishTo: 'github', repoUrl: 'github.com?owner=acme&repo=pay' });
    expect(io.said).toContain('  Repo: host must be one of: github.com');
  });

  it('says what is required and gives up on a page after too many attempts', async () => {
    const io = scripted(['', 'x', 'team-a', '']);
    const values = await promptForm({ ...form, pages: [form.pages[0]] }, io);
    expect(io.said).toContain('  Name is required.');
    expect(values.name).toBe('x');
    const impossible = buildForm({ ref: 'template:default/i', parameters: { title: 'Impossible', properties: { a: { type: 'string' } }, minProperties: 5 } });
    const stubborn = scripted(['x', 'y', 'z']);
    await expect(promptForm(impossible, stubborn, { maxAttempts: 3 })).rejects.toThrow(/Gave up on "Impossible" after 3 attempts/);
    expect(stubborn.said).toContain('  This page: values must NOT have fewer than 5 properties');
  });
});
