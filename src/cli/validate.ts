import type { SubCommand } from './io.js';

// Placeholder: replaced by the branch that builds `callsheet validate`.
export const validateCli: SubCommand = async (_args, io) => {
  io.err('callsheet validate is not built yet');
  return 2;
};
