/** `system <name>`: the components, APIs and resources of a System, by kind, each with its owner. */
import { resolveEntity } from '../catalog/queries-resolve.js';
import { usageReply } from './args.js';
import { unresolvedReply } from './catalog-spans.js';
import { contentsReply } from './contents.js';
import type { Command } from './types.js';

export const systemCommand: Command = {
  name: 'system',
  summary: 'What a system contains (components, APIs, resources) and who owns each part',
  usage: 'system <name>',
  example: 'system payments',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(systemCommand);
    const resolution = await resolveEntity(ctx.db, text, { kinds: ['system'], defaultKind: 'system' });
    if (resolution.status !== 'found') return unresolvedReply('system', text, resolution);
    return contentsReply(resolution.entity, ctx);
  },
};
