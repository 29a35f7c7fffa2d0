/**
 * Answers for a conformance template's form, the way a person fills it in: defaults kept, the first
 * entity offered, a new repository under the fake GitHub's `acme` (an existing one for pull-request
 * templates, `acme/monorepo` on the fake GitLab for the merge request one), on the first host the
 * picker allows, a name for every other required text, and a branch where the template asks for one.
 */
import type { Field, Form } from '../../src/reply/form.js';

export function repoFor(templateName: string, face: string): string {
  return templateName === 'pull-request' || templateName === 'gitlab-merge-request' ? 'monorepo' : `${templateName}-${face}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60);
}

/** What to type for `field` in the shell ('' keeps the default, '1' picks the first option). */
export function shellAnswer(field: Field, templateName: string): string {
  if (field.default !== undefined) return '';
  switch (field.type) {
    case 'entity':
      return '1'; // an owner even where optional: the skeleton's catalog-info.yaml needs one
    case 'select':
    case 'multiselect':
      return field.required ? '1' : '';
    case 'repoUrl':
      return `${field.allowedHosts[0] ?? 'github.com'}?owner=acme&repo=${repoFor(templateName, 'shell')}`;
    case 'checkbox':
      return 'no';
    default:
      // gitlab-merge-request's branch is optional on the form but needed by its step, as in Backstage.
      if (field.id === 'branchName') return `create-demo-${templateName}`;
      return field.required ? `demo-${templateName}`.slice(0, 60) : '';
  }
}

/** A scripted shell: each question answered for the field whose label it ends with. */
export function scriptedIo(form: Form, templateName: string, transcript: string[]) {
  const fields = form.pages.flatMap((p) => p.fields).sort((a, b) => b.label.length - a.label.length);
  return {
    async ask(question: string) {
      transcript.push(question);
      const last = question.split('\n').at(-1)!;
      const field = fields.find((f) => last.startsWith(f.label));
      if (!field) throw new Error(`no field for question ${JSON.stringify(last)}`);
      return shellAnswer(field, templateName);
    },
    say: (text: string) => void transcript.push(text),
  };
}
