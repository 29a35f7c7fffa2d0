import type { Reply } from '../reply/reply.js';
import type { Command } from './types.js';

/** The reply for a command called without its required argument: its usage and example. */
export function usageReply(command: Command, problem = 'is missing its argument'): Reply {
  return {
    summary: `${command.name} ${problem}. Usage: ${command.usage}`,
    sections: [{ text: [`${command.name} ${problem}. Usage: `, { type: 'code', text: command.usage }, ' — e.g. ', { type: 'code', text: command.example }] }],
    isError: true,
  };
}
