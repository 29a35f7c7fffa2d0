/** `domain <name>`: the systems of a Domain and everything in them, by kind, each with its owner. */
import { resolveEntity } from '../catalog/queries-resolve.js';
import { usageReply } from './args.js';
import { unresolvedReply } from './catalog-spans.js';
import { contentsReply } from './contents.js';
import type { Command } from './types.js';

export const domainCommand: Command = {
  name: 'domain',
  summary: 'What a domain contains (its systems and their parts) and who owns each',
  usage: 'domain <name>',
  example: 'domain commerce',
  async run(args, ctx) {
    const text = args.trim();
    if (!text) return usageReply(domainCommand);
    const resolution = await resolveEntity(ctx.db, text, { kinds: ['domain'], defaultKind: 'domain' });
    if (resolution.status !== 'found') return unresolvedReply('domain', text, resolution);
    return contentsReply(resolution.entity, ctx);
  },
};
