import type { SubCommand } from './io.js';

// Placeholder: replaced by the branch that builds `callsheet sync`.
export const syncCli: SubCommand = async (_args, io) => {
  io.err('callsheet sync is not built yet');
  return 2;
};
