/**
 * `create` lists the templates the requester may run, each with a button that opens its form;
 * `create <template>` goes straight to that one (or says why not, or what was meant).
 */
import type { Button, Reply } from '../reply/reply.js';
import { errorReply, refusalReply } from '../reply/reply.js';
import type { Command } from './types.js';
import { findTemplate, runnableTemplates, type TemplateRecord } from '../scaffolder/templates.js';

/** The action id adapters handle by opening the template's form. */
export const OPEN_TEMPLATE_ACTION = 'scaffolder.open';
const SHOWN = 50;

function openButton(template: TemplateRecord, label = 'Create'): Button {
  return { label, style: 'primary', action: { type: 'action', id: OPEN_TEMPLATE_ACTION, value: { template: template.ref } } };
}

export const createCommand: Command = {
  name: 'create',
  summary: 'Create a new repository from a golden-path template',
  usage: 'create [template]',
  example: 'create typescript-service',
  async run(args, ctx): Promise<Reply> {
    const wanted = args.trim();
    if (!wanted) {
      const templates = await runnableTemplates(ctx.db, ctx.requester);
      if (templates.length === 0) return { summary: 'There are no templates you may run.', sections: [{ text: ['There are no templates you may run. Templates come from the trusted template sources (TEMPLATE_SOURCES).'] }] };
      return {
        summary: `${templates.length} template(s) you may run`,
        header: 'Create something new',
        sections: [
          {
            list: templates.slice(0, SHOWN).map((t) => ({
              text: [{ type: 'bold', text: t.title }, ` (${t.name})`],
              ...(t.description ? { detail: [t.description] } : {}),
              button: openButton(t),
            })),
            ...(templates.length > SHOWN ? { more: { count: templates.length - SHOWN } } : {}),
          },
        ],
        context: [['Or type ', { type: 'code', text: 'create <template>' }, ' to go straight to one.']],
      };
    }
    const found = await findTemplate(ctx.db, wanted, ctx.requester);
    if (found.status === 'refused') return refusalReply(found.message);
    if (found.status === 'not-found') {
      if (found.suggestions.length === 0) return errorReply(`No template called "${wanted}". Type create to see the templates you may run.`);
      return {
        summary: `No template called "${wanted}". Did you mean ${found.suggestions.map((t) => t.name).join(', ')}?`,
        sections: [{ text: [`No template called "${wanted}". Did you mean:`], list: found.suggestions.map((t) => ({ text: [{ type: 'bold', text: t.title }, ` (${t.name})`], button: openButton(t) })) }],
        isError: true,
      };
    }
    const t = found.template;
    return {
      summary: `${t.title}: ready to create`,
      header: t.title,
      sections: [{ text: [t.description ?? `Create something new from ${t.name}.`], buttons: [openButton(t, `Start ${t.title}`.slice(0, 75))] }],
    };
  },
};
