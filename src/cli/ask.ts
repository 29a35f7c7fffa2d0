import type { SubCommand } from './io.js';

// Placeholder: replaced by the branch that builds `callsheet ask`.
export const askCli: SubCommand = async (_args, io) => {
  io.err('callsheet ask is not built yet');
  return 2;
};
