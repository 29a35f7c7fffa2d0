import type { Reply } from '../reply/reply.js';
import type { Command } from './types.js';

/** Built lazily from the registry so that help always lists every command. */
export function helpCommand(all: () => Command[]): Command {
  return {
    name: 'help',
    summary: 'List every command with an example',
    usage: 'help [command]',
    example: 'help owner',
    async run(args) {
      const commands = all();
      const wanted = args.trim().toLowerCase();
      const one = commands.find((c) => c.name === wanted || c.aliases?.includes(wanted));
      const shown = one ? [one] : commands;
      const reply: Reply = {
        summary: one ? `${one.name}: ${one.summary}` : 'Callsheet commands',
        header: one ? `Help: ${one.name}` : 'Callsheet commands',
        sections: [
          {
            list: shown.map((c) => ({
              text: [{ type: 'bold', text: c.usage }, ` — ${c.summary}`],
              detail: ['e.g. ', { type: 'code', text: c.example }],
            })),
          },
        ],
        context: [
          ['In Slack use ', { type: 'code', text: '/catalog <command>' }, ' (or ', { type: 'code', text: '/owner <name>' }, '), mention the bot or send it a DM; in Teams mention the bot.'],
          ['Plain questions work too: ', { type: 'code', text: 'who owns payments-api?' }, ', ', { type: 'code', text: 'what depends on ledger-db' }, '.'],
        ],
      };
      return reply;
    },
  };
}
