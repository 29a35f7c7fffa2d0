import type { SubCommand } from './io.js';

// Placeholder: replaced by the branch that builds `callsheet serve`.
export const serveCli: SubCommand = async (_args, io) => {
  io.err('callsheet serve is not built yet');
  return 2;
};
